// Shared by the bench scripts: builds the wasm kernels if stale, bundles a bench entry (bench/<name>-entry.ts)
// with esbuild (@nn/* aliased to packages/*/src, so no package build is needed) and runs it with this
// process's arguments. `--prof` runs node with --cpu-prof (the .cpuprofile lands in bench/out/).
// NO_WASM_BUILD=1 skips the kernel build check.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function bundleAndRun(name) {
  const benchDir = dirname(fileURLToPath(import.meta.url));
  const packagesDir = join(benchDir, '..', '..');
  const root = join(packagesDir, '..');
  const outDir = join(benchDir, 'out');
  const bundle = join(outDir, `${name}.mjs`);
  const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
  if (!existsSync(esbuild)) throw new Error(`bench/${name}.mjs: esbuild not found at ${esbuild}`);

  const built = process.env.NO_WASM_BUILD
    ? { status: 0 }
    : spawnSync(process.execPath, [join(benchDir, '..', 'scripts', 'build-wasm.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const aliases = ['tensor', 'autograd', 'layers', 'optim', 'data'].map(
    (pkg) => `--alias:@nn/${pkg}=${join(packagesDir, pkg, 'src', 'index.ts')}`,
  );
  aliases.push(`--alias:@nn/tensor/backend=${join(packagesDir, 'tensor', 'src', 'backend', 'index.ts')}`);
  const bundled = spawnSync(
    esbuild,
    [
      join(benchDir, `${name}-entry.ts`),
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
}
