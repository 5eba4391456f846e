// Page side of bench/matmul-browser.mjs: n x n float32 matmul GFLOP/s on the wasm backend, one thread, with the
// kernel build forced, best of 7 timings after a warm-up.
import { matmul, randn, registerBackend, setBackend, tidy } from '@nn/tensor';
import { createWasmBackend, type SimdMode, setWasmThreads } from '../src/index';

declare global {
  interface Window {
    matmulGflops(simd: SimdMode, n: number): Promise<number>;
  }
}

window.matmulGflops = async (simd, n) => {
  registerBackend(`wasm-${simd}`, () => createWasmBackend({ simd, unshared: true }), 0);
  await setBackend(`wasm-${simd}`);
  setWasmThreads(1);
  const a = randn([n, n], { seed: 1 });
  const b = randn([n, n], { seed: 2 });
  tidy(() => matmul(a, b).dataSync());
  let reps = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) tidy(() => matmul(a, b).dataSync());
    if (performance.now() - start >= 50) break;
    reps *= 2;
  }
  let best = 0;
  for (let run = 0; run < 7; run++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) tidy(() => matmul(a, b).dataSync());
    best = Math.max(best, (2 * n * n * n * reps) / ((performance.now() - start) / 1000) / 1e9);
  }
  a.dispose();
  b.dispose();
  return best;
};
