// Convolution throughput (GFLOP/s) on the wasm backend, direct loops vs im2col + GEMM, interleaved so that
// both see the same machine load (bundled by bench/conv.mjs).
import {
  conv2d,
  conv2dAttrs,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  randn,
  setBackend,
  type Tensor,
  tidy,
} from '@nn/tensor';
import { setWasmThreads } from '../src/index';
import { directLimits } from '../src/kernels/conv';

const SHAPES = [
  { name: 'lenet1 1->6 5x5 28x28 pad 2', x: [64, 1, 28, 28], w: [6, 1, 5, 5], padding: 2 },
  { name: 'lenet2 6->16 5x5 14x14', x: [64, 6, 14, 14], w: [16, 6, 5, 5], padding: 0 },
  { name: '16->32 3x3 28x28 pad 1', x: [32, 16, 28, 28], w: [32, 16, 3, 3], padding: 1 },
  { name: '64->64 3x3 16x16 pad 1', x: [8, 64, 16, 16], w: [64, 64, 3, 3], padding: 1 },
  // The examples' ResNet-20 (width 8, batch 64): its three stages.
  { name: 'resnet 8->8 3x3 28x28 pad 1', x: [64, 8, 28, 28], w: [8, 8, 3, 3], padding: 1 },
  { name: 'resnet 16->16 3x3 14x14 pad 1', x: [64, 16, 14, 14], w: [16, 16, 3, 3], padding: 1 },
  { name: 'resnet 32->32 3x3 7x7 pad 1', x: [64, 32, 7, 7], w: [32, 32, 3, 3], padding: 1 },
];

function arg(name: string, fallback: string): string {
  const a = process.argv.find((v) => v.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : fallback;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1]!;
}

async function main(): Promise<void> {
  await setBackend('wasm');
  setWasmThreads(Number(arg('threads', '1')));
  const reps = Number(arg('reps', '15'));
  const saved = { ...directLimits };
  for (const s of SHAPES) {
    const x = randn(s.x, { seed: 1 });
    const w = randn(s.w, { seed: 2 });
    const attrs = conv2dAttrs(x, w, { padding: s.padding });
    const y = conv2d(x, w, { padding: s.padding });
    const dy = randn(y.shape as number[], { seed: 3 });
    const [N, , oH, oW] = y.shape as number[];
    const flops = 2 * N! * oH! * oW! * s.w[0]! * s.w[1]! * s.w[2]! * s.w[3]!;
    const passes: [string, () => Tensor][] = [
      ['forward', () => conv2d(x, w, { padding: s.padding })],
      ['filter grad', () => conv2dBackpropFilter(x, dy, { ...attrs, wShape: s.w })],
      ['input grad', () => conv2dBackpropInput(dy, w, { ...attrs, xShape: s.x })],
    ];
    for (const [pass, fn] of passes) {
      const times: Record<'direct' | 'gemm', number[]> = { direct: [], gemm: [] };
      for (let r = 0; r < reps; r++) {
        for (const way of ['direct', 'gemm'] as const) {
          Object.assign(
            directLimits,
            way === 'direct' ? { ...saved, filterGradPixels: 0 } : { patch: -1, channels: -1 },
          );
          tidy(() => fn()).dispose();
          const start = performance.now();
          tidy(() => fn()).dispose();
          times[way].push(performance.now() - start);
        }
      }
      Object.assign(directLimits, saved);
      const gf = (ms: number) => (flops / ms / 1e6).toFixed(1);
      const d = median(times.direct);
      const g = median(times.gemm);
      console.log(
        `${s.name.padEnd(30)} ${pass.padEnd(12)} direct ${gf(d).padStart(6)}  gemm ${gf(g).padStart(6)} GFLOP/s  (${(g / d).toFixed(2)}x)`,
      );
    }
  }
}

await main();
process.exit(0);
