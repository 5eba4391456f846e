#!/usr/bin/env node
// Matmul GFLOP/s of the wasm backend in Chromium (playwright-core, tooling/browser/harness.mjs), one thread,
// relaxed-SIMD build vs SIMD128 build, alternating so machine load hits both alike. Bundles from sources.
// Usage: node bench/matmul-browser.mjs [sizes...]    (default 256 512 1024)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { bundleForPage, withBrowser } from '../../../tooling/browser/harness.mjs';

const buildWasm = fileURLToPath(new URL('../scripts/build-wasm.mjs', import.meta.url));
if (spawnSync(process.execPath, [buildWasm], { stdio: 'inherit' }).status !== 0) process.exit(1);
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
if (sizes.length === 0) sizes.push(256, 512, 1024);

const script = await bundleForPage(build, new URL('./matmul-browser-entry.ts', import.meta.url));
const rows = await withBrowser({ chromium, script, title: 'matmul bench' }, async (open) => {
  const { tab } = await open({ isolated: false });
  const out = [];
  for (const n of sizes) {
    const best = { relaxed: 0, simd128: 0 };
    for (let round = 0; round < 3; round++) {
      for (const simd of ['simd128', 'relaxed']) {
        best[simd] = Math.max(best[simd], await tab.evaluate(([s, size]) => window.matmulGflops(s, size), [simd, n]));
      }
    }
    out.push({
      size: n,
      'simd128 GFLOP/s': best.simd128.toFixed(1),
      'relaxed GFLOP/s': best.relaxed.toFixed(1),
      'relaxed/simd128': `${(best.relaxed / best.simd128).toFixed(2)}x`,
    });
  }
  return out;
});
console.table(rows);
