#!/usr/bin/env node
// What clipGradNorm adds to an optimizer step: Adam on LeNet-5's parameter shapes (the update alone) and a whole
// 784-128-10 MLP training step, with and without { clipGradNorm: 1 }, alternating call by call; prints ms per step and ratios.
// @nn/* resolve to packages/*/src (bundled with esbuild into the OS temp dir), so nothing needs a package build;
// --backend=wasm needs the wasm kernels built once (node packages/backend-wasm/scripts/build-wasm.mjs).
// Usage: node packages/optim/bench/clip.mjs [--backend=cpu|wasm] [--reps=100]
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const alias = Object.fromEntries(
  ['tensor', 'autograd', 'optim', 'backend-wasm'].map((pkg) => [
    `@nn/${pkg}`,
    join(packagesDir, pkg, 'src', 'index.ts'),
  ]),
);
const outfile = join(tmpdir(), `nn-optim-bench-clip-${process.pid}.mjs`);
await build({
  entryPoints: [fileURLToPath(new URL('./clip-entry.ts', import.meta.url))],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile,
  alias,
  logLevel: 'warning',
  // src/ files are not listed in package.json sideEffects (dist/ ones are): keep the registering import.
  ignoreAnnotations: true,
});
await import(pathToFileURL(outfile).href);
