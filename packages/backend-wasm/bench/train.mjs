#!/usr/bin/env node
// Bundles bench/train-entry.ts with esbuild (@nn/* aliased to packages/*/src, so no build is needed) and
// runs it: training samples/s of LeNet-5 or an MLP 784-128-10 (batch 64, Adam, cross-entropy).
// Usage: node bench/train.mjs [--model=lenet|mlp] [--threads=N] [--batch=64] [--seconds=3] [--prof]
//   --prof runs node with --cpu-prof (the .cpuprofile lands in bench/out/).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const packagesDir = join(benchDir, '..', '..');
const root = join(packagesDir, '..');
const outDir = join(benchDir, 'out');
const bundle = join(outDir, 'train.mjs');
const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
if (!existsSync(esbuild)) throw new Error(`bench/train.mjs: esbuild not found at ${esbuild}`);

const built = process.env.NO_WASM_BUILD
  ? { status: 0 }
  : spawnSync(process.execPath, [join(benchDir, '..', 'scripts', 'build-wasm.mjs')], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const aliases = ['tensor', 'autograd', 'layers', 'optim', 'data'].map(
  (name) => `--alias:@nn/${name}=${join(packagesDir, name, 'src', 'index.ts')}`,
);
const bundled = spawnSync(
  esbuild,
  [
    join(benchDir, 'train-entry.ts'),
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node20',
    '--external:node:*',
    `--outfile=${bundle}`,
    '--log-level=warning',
    // src/ files are not listed in package.json sideEffects (dist/ ones are): keep the registering import.
    '--ignore-annotations',
    ...aliases,
  ],
  { stdio: 'inherit' },
);
if (bundled.status !== 0) process.exit(bundled.status ?? 1);

const args = process.argv.slice(2).filter((a) => a !== '--prof');
const nodeFlags = process.argv.includes('--prof') ? ['--cpu-prof', `--cpu-prof-dir=${outDir}`] : [];
const run = spawnSync(process.execPath, [...nodeFlags, bundle, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
