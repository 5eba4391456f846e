#!/usr/bin/env node
// The README's two commands go through here: `npm run demo` and `npm test`.
// It needs only Node 20 + npm: pnpm is fetched once with npx (corepack is not relied upon),
// then the workspace's own pnpm (a devDependency) runs everything else.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const isWindows = process.platform === 'win32';
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const binDir = join(root, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`, TURBO_TELEMETRY_DISABLED: '1' };
const timings = [];

function run(command, args, options = {}) {
  console.log(`\n> ${command} ${args.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    env,
    stdio: 'inherit',
    shell: isWindows,
    ...options,
  });
  if (result.error) throw result.error;
  timings.push([args.join(' '), Date.now() - started]);
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed with exit code ${result.status}`);
    process.exit(result.status ?? 1);
  }
}

/** The workspace's package.json files: a dependency added to any of them means node_modules must be refreshed. */
function manifests() {
  const found = [join(root, 'package.json')];
  for (const group of ['packages', 'apps', 'tooling']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const manifest = join(dir, name, 'package.json');
      if (existsSync(manifest)) found.push(manifest);
    }
  }
  return found;
}

/** True when the last `pnpm install` used this exact lockfile and no package.json changed since. */
function installIsUpToDate() {
  const installedLock = join(root, 'node_modules', '.pnpm', 'lock.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (!existsSync(installedLock) || !existsSync(join(binDir, isWindows ? 'pnpm.cmd' : 'pnpm'))) return false;
  if (readFileSync(installedLock, 'utf8') !== readFileSync(lock, 'utf8')) return false;
  const installedAt = statSync(installedLock).mtimeMs;
  return manifests().every((manifest) => statSync(manifest).mtimeMs <= installedAt);
}

function install() {
  // CI always installs from scratch with the frozen lockfile; locally a fresh node_modules is left alone.
  if (!process.env.CI && installIsUpToDate()) {
    console.log('node_modules is up to date with pnpm-lock.yaml: skipping pnpm install');
    return;
  }
  const localPnpm = join(binDir, isWindows ? 'pnpm.cmd' : 'pnpm');
  if (existsSync(localPnpm)) run(localPnpm, ['install', '--frozen-lockfile']);
  else run('npx', ['--yes', `pnpm@${pnpmVersion}`, 'install', '--frozen-lockfile']);
}

function hasDemoScript() {
  const manifest = join(root, 'apps', 'digit-recognizer', 'package.json');
  return existsSync(manifest) && Boolean(JSON.parse(readFileSync(manifest, 'utf8')).scripts?.demo);
}

function printTimings() {
  const total = timings.reduce((sum, [, ms]) => sum + ms, 0);
  console.log('\nsteps:');
  for (const [step, ms] of timings) console.log(`  ${(ms / 1000).toFixed(1).padStart(6)}s  ${step}`);
  console.log(`  ${(total / 1000).toFixed(1).padStart(6)}s  total`);
}

const [task = 'test', ...rest] = process.argv.slice(2);
if (task !== 'test' && task !== 'demo') {
  console.error(`unknown task '${task}': use 'demo' or 'test'`);
  process.exit(2);
}
install();
if (task === 'test') {
  run('pnpm', ['run', 'build']);
  run('pnpm', ['run', 'lint']);
  run('pnpm', ['run', 'check:source']);
  run('pnpm', ['run', 'typecheck']);
  // Every public export documented, then the API reference generated from those comments (docs/api).
  run('pnpm', ['run', 'check:docs']);
  run('pnpm', ['run', 'docs']);
  run('pnpm', ['run', 'test:unit', ...rest]);
  run('pnpm', ['run', 'test:packages']);
  printTimings();
} else {
  run('pnpm', ['run', 'build']);
  if (hasDemoScript()) {
    run('pnpm', ['--filter', '@nn/digit-recognizer', 'run', 'demo', ...rest]);
  } else {
    // The command's wording is final; until the app lands it builds everything and says so.
    console.log('\nThe digit-recognizer demo (apps/digit-recognizer, script "demo") does not exist yet:');
    console.log('all packages were built; nothing else to run.');
  }
}
