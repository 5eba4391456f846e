/** Square float32 matmul at several sizes, in GFLOP/s. */
import { matmul, type Tensor, tensor } from '@nn/tensor';
import { type BenchContext, seededData } from '../context';
import type { CellFactory, Workload } from '../harness';
import { nnFallbackProbe, prepareNn, useNn } from '../peers/nn';
import { useTf } from '../peers/tfjs';

export function matmulWorkloads(ctx: BenchContext): Workload[] {
  const sizes = ctx.quick ? [32, 64] : [128, 256, 512, 1024];
  return sizes.map((n) => {
    const a = seededData(n * n, 1);
    const b = seededData(n * n, 2);
    const cells: Record<string, CellFactory> = {};
    for (const backend of ctx.nn) {
      cells[backend.label] = async () => {
        await useNn(backend);
        const ta = tensor(a, [n, n]);
        const tb = tensor(b, [n, n]);
        let out: Tensor | null = null;
        const probe = backend.name === 'cpu' ? null : nnFallbackProbe();
        let fallback = '';
        return {
          beforeRun: () => prepareNn(backend),
          run: async () => {
            await useNn(backend);
            probe?.reset();
            out?.dispose();
            out = matmul(ta, tb);
            await out.data();
            fallback = probe?.read() ?? '';
          },
          output: async () => Float32Array.from(await out!.data()),
          facts: (): Record<string, string> => (probe ? { fallback } : {}),
          dispose: () => {
            ta.dispose();
            tb.dispose();
            out?.dispose();
          },
        };
      };
    }
    for (const backend of ctx.tfjs) {
      cells[backend.label] = async () => {
        const tf = await useTf(backend.name);
        const ta = tf.tensor2d(a, [n, n]);
        const tb = tf.tensor2d(b, [n, n]);
        let out: ReturnType<typeof tf.matMul> | null = null;
        return {
          run: async () => {
            await useTf(backend.name);
            out?.dispose();
            out = tf.matMul(ta, tb);
            await out.data();
          },
          output: async () => Float32Array.from(await out!.data()),
          dispose: () => {
            ta.dispose();
            tb.dispose();
            out?.dispose();
          },
        };
      };
    }
    cells.convnetjs = { unavailable: 'no matmul op (layers only)' };
    cells['brain.js'] = { unavailable: 'no matmul op (networks only)' };
    return {
      id: `matmul-${n}`,
      title: `matmul ${n}x${n} float32`,
      unit: 'GFLOP/s',
      workPerRun: 2 * n * n * n,
      tolerance: 1e-3,
      cells,
    };
  });
}
