// One TransformerEncoderLayer(128, 4) at [12, 64, 128] on the wasm backend: forward, and forward + backward + SGD
// step, with the native fused kernels (LayerNorm, Attention and their backwards) against the same kernels run on
// the CPU reference kernels over wasm memory (how they ran while declared not implemented), interleaved so both
// see the same machine load (bundled by bench/transformer.mjs).
import { TransformerEncoderLayer } from '@nn/layers';
import { SGD } from '@nn/optim';
import { getBackend, randn, setBackend, type Tensor, tidy } from '@nn/tensor';
import type { KernelMap } from '@nn/tensor/backend';
import type { WasmBackend } from '../src/backend';
import { setWasmThreads } from '../src/index';
import { cpuFallback } from '../src/kernels/fallback';

function arg(name: string, fallback: string): string {
  const a = process.argv.find((v) => v.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : fallback;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[values.length >> 1]!;
}

/** Milliseconds of this process's CPU time (steadier than wall time on a shared machine) for `f`. */
function cpuMs(f: () => void): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

await setBackend('wasm');
setWasmThreads(Number(arg('threads', '1')));
const reps = Number(arg('reps', '7'));
const kernels = (getBackend().backend as WasmBackend).kernels as Record<string, unknown>;
const fused = ['LayerNorm', 'LayerNormBackward', 'Attention', 'AttentionBackward'] as const;
const native = Object.fromEntries(fused.map((name) => [name, kernels[name]]));
const fallback = Object.fromEntries(
  fused.map((name) => [name, (args: Parameters<KernelMap[typeof name] & object>[0]) => cpuFallback(name, args)]),
);

const x = randn([12, 64, 128], { seed: 1 });
// With dropout (PyTorch's default 0.1) in train mode the attention weights are composed from ops (their dropout
// mask is applied between softmax and the product with v), so only layerNorm runs fused; dropout 0 runs both.
for (const dropout of [0.1, 0]) {
  const layer = new TransformerEncoderLayer(128, 4, { dropout });
  const optimizer = new SGD(layer.parameters(), { lr: 1e-3 });
  const forward = () => tidy(() => void (layer.forward(x) as Tensor).dataSync());
  const step = () => tidy(() => void optimizer.step(() => (layer.forward(x) as Tensor).square().mean()).dataSync());
  for (const [name, f] of [
    ['forward', forward],
    ['forward + backward + SGD step', step],
  ] as const) {
    const times: Record<'native' | 'fallback', number[]> = { native: [], fallback: [] };
    for (let r = -1; r < reps; r++) {
      for (const mode of ['native', 'fallback'] as const) {
        Object.assign(kernels, mode === 'native' ? native : fallback);
        const ms = cpuMs(f);
        if (r >= 0) times[mode].push(ms); // the first round warms up
      }
    }
    const [n, c] = [median(times.native), median(times.fallback)];
    console.log(
      `TransformerEncoderLayer(128, 4, { dropout: ${dropout} }) [12, 64, 128] ${name}: native ${n.toFixed(1)} ms, ` +
        `CPU-kernel fallback ${c.toFixed(1)} ms (CPU time), ${(c / n).toFixed(2)}x`,
    );
  }
}
Object.assign(kernels, native);
const { nativeCalls, fallbackCalls } = getBackend().kernelCoverage();
const fusedCalls = (calls: Partial<Record<string, number>>) =>
  fused.map((name) => `${name} ${calls[name] ?? 0}`).join(', ');
console.log(`native calls: ${fusedCalls(nativeCalls)}; fallback calls: ${fusedCalls(fallbackCalls)}`);
