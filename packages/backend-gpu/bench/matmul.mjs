// MatMul GFLOP/s of the gpu backend in every gpu.js mode present, against the cpu backend (ratios printed).
// Each timing includes the readback (dataSync), so device-resident speed is understated on real GPUs.
// Usage: pnpm --filter @nn/backend-gpu run build && xvfb-run -a node bench/matmul.mjs [sizes...]
import { getBackend, randn, registerBackend, setBackend, tidy } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { createGpuBackend, modeSupported } from '../dist/index.js';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const dims = sizes.length > 0 ? sizes : [64, 128, 256];
const modes = ['webgl2', 'webgl', 'headlessgl', 'webasm', 'cpu'].filter((m) => modeSupported(m));

function gflops(n, repeat) {
  const a = randn([n, n], { seed: 1 });
  const b = randn([n, n], { seed: 2 });
  tidy(() => a.matmul(b).dataSync()); // warm-up: compiles the shader once
  const started = performance.now();
  for (let r = 0; r < repeat; r++) tidy(() => a.matmul(b).dataSync());
  const seconds = (performance.now() - started) / 1000;
  a.dispose();
  b.dispose();
  return (2 * n * n * n * repeat) / seconds / 1e9;
}

const rows = [];
for (const n of dims) {
  await setBackend('cpu');
  const cpu = gflops(n, 3);
  rows.push({ backend: 'cpu', mode: '-', n, gflops: cpu, ratio: 1 });
  for (const mode of modes) {
    const name = `gpu-${mode}`;
    if (!engine.registeredBackends().includes(name)) registerBackend(name, () => createGpuBackend({ mode }), 0);
    await setBackend(name);
    const value = gflops(n, 3);
    const fallback = Object.keys(getBackend().kernelCoverage().fallbackCalls);
    rows.push({ backend: 'gpu', mode, n, gflops: value, ratio: value / cpu, fallback: fallback.join(',') || 'none' });
  }
}
console.log('matmul n x n @ n x n, including readback');
console.table(rows.map((r) => ({ ...r, gflops: r.gflops.toFixed(3), ratio: `${r.ratio.toFixed(2)}x` })));
