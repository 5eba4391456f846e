#!/usr/bin/env node
// Square float32 matmul, cpu vs wasm backends, through the public ops of the built packages
// (run `pnpm build` first). Prints GFLOP/s per size, wasm per thread count, and the ratios.
// Usage: node bench/matmul.mjs [--threads=1,2] [--simd=auto|relaxed|simd128] [sizes...]
//   e.g. node bench/matmul.mjs --threads=1,2 1024; relaxed SIMD on Node 20 needs
//   node --experimental-wasm-relaxed-simd bench/matmul.mjs --simd=relaxed
import { getBackend, matmul, randn, registerBackend, setBackend, tidy } from '@nn/tensor';
import { createWasmBackend, setWasmThreads } from '../dist/index.js';

const simdArg = process.argv.find((a) => a.startsWith('--simd='));
// Replaces the registered factory (same name, same priority) with one that forces the kernel build.
if (simdArg) registerBackend('wasm', () => createWasmBackend({ simd: simdArg.slice(7) }), 2);

const threadsArg = process.argv.find((a) => a.startsWith('--threads='));
const threadCounts = threadsArg ? threadsArg.slice(10).split(',').map(Number) : [1];
const sizes = process.argv
  .slice(2)
  .filter((a) => !a.startsWith('--'))
  .map(Number)
  .filter(Boolean);
if (sizes.length === 0) sizes.push(128, 256, 512, 1024);

/** Best-of-runs GFLOP/s for n x n @ n x n on the active backend, after a warm-up. */
function measure(n) {
  const a = randn([n, n], { seed: 1 });
  const b = randn([n, n], { seed: 2 });
  const flops = 2 * n * n * n;
  // Enough repetitions for ~0.05 s per timing, at least one.
  tidy(() => matmul(a, b).dataSync());
  let reps = 1;
  for (let t = 0; t < 0.05; reps *= 2) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) tidy(() => matmul(a, b)).dispose();
    t = (performance.now() - start) / 1000;
    if (t >= 0.05) break;
  }
  let best = 0;
  for (let run = 0; run < 7; run++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) tidy(() => matmul(a, b)).dispose();
    const seconds = (performance.now() - start) / 1000;
    best = Math.max(best, (flops * reps) / seconds / 1e9);
  }
  a.dispose();
  b.dispose();
  return best;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const rows = [];
for (const n of sizes) {
  await setBackend('cpu');
  const row = { size: n, 'cpu GFLOP/s': measure(n).toFixed(1) };
  await setBackend('wasm');
  row.simd = getBackend().backend.simd;
  const wasm = {};
  for (const threads of threadCounts) {
    setWasmThreads(threads);
    // Let the workers start before timing.
    tidy(() => matmul(randn([8, 8]), randn([8, 8])));
    await sleep(300);
    wasm[threads] = measure(n);
    row[`wasm ${threads}T GFLOP/s`] = wasm[threads].toFixed(1);
  }
  row['wasm/cpu'] = `${(wasm[threadCounts[0]] / Number(row['cpu GFLOP/s'])).toFixed(1)}x`;
  if (threadCounts.length > 1) {
    const last = threadCounts[threadCounts.length - 1];
    row[`${last}T/${threadCounts[0]}T`] = `${(wasm[last] / wasm[threadCounts[0]]).toFixed(2)}x`;
  }
  rows.push(row);
}
console.table(rows);
process.exit(0);
