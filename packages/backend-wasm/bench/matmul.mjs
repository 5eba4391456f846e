#!/usr/bin/env node
// Square float32 matmul, cpu vs wasm backends, through the public ops of the built packages
// (run `pnpm build` first). Prints GFLOP/s per size and the wasm/cpu ratio; single thread.
// Usage: node bench/matmul.mjs [sizes...]    e.g. node bench/matmul.mjs 256 1024
import { matmul, randn, setBackend, tidy } from '@nn/tensor';
import '../dist/index.js';

const sizes = process.argv.slice(2).map(Number).filter(Boolean);
if (sizes.length === 0) sizes.push(128, 256, 512, 1024);

/** Best-of-runs GFLOP/s for n x n @ n x n on the active backend, after a warm-up. */
function measure(n) {
  const a = randn([n, n], { seed: 1 });
  const b = randn([n, n], { seed: 2 });
  const flops = 2 * n * n * n;
  // Enough repetitions for ~0.3 s per timing, at least one.
  tidy(() => matmul(a, b).dataSync());
  let reps = 1;
  for (let t = 0; t < 0.05; reps *= 2) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) tidy(() => matmul(a, b)).dispose();
    t = (performance.now() - start) / 1000;
    if (t >= 0.05) break;
  }
  let best = 0;
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) tidy(() => matmul(a, b)).dispose();
    const seconds = (performance.now() - start) / 1000;
    best = Math.max(best, (flops * reps) / seconds / 1e9);
  }
  a.dispose();
  b.dispose();
  return best;
}

const rows = [];
for (const n of sizes) {
  await setBackend('cpu');
  const cpu = measure(n);
  await setBackend('wasm');
  const wasm = measure(n);
  rows.push({
    size: n,
    'cpu GFLOP/s': cpu.toFixed(1),
    'wasm GFLOP/s': wasm.toFixed(1),
    'wasm/cpu': `${(wasm / cpu).toFixed(1)}x`,
  });
}
console.table(rows);
