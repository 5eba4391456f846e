#!/usr/bin/env node
// The README's two commands go through here: `npm run demo` and `npm test`.
// It needs only Node 20 + npm: pnpm is fetched once with npx (corepack is not relied upon),
// then the workspace's own pnpm (a devDependency) runs everything else.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const binDir = join(root, 'node_modules', '.bin');
const env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`, TURBO_TELEMETRY_DISABLED: '1' };

function run(command, args, options = {}) {
  console.log(`\n> ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    cwd: root,
    env,
    stdio: 'inherit',
    shell: process.platform === 'win32',
    ...options,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`\n${command} ${args.join(' ')} failed with exit code ${result.status}`);
    process.exit(result.status ?? 1);
  }
}

function install() {
  const localPnpm = join(binDir, process.platform === 'win32' ? 'pnpm.cmd' : 'pnpm');
  if (existsSync(localPnpm)) run(localPnpm, ['install', '--frozen-lockfile']);
  else run('npx', ['--yes', `pnpm@${pnpmVersion}`, 'install', '--frozen-lockfile']);
}

const [task = 'test', ...rest] = process.argv.slice(2);
install();
if (task === 'test') {
  run('pnpm', ['run', 'build']);
  run('pnpm', ['run', 'lint']);
  run('pnpm', ['run', 'typecheck']);
  run('pnpm', ['run', 'test:unit', ...rest]);
  run('pnpm', ['run', 'test:packages']);
} else if (task === 'demo') {
  run('pnpm', ['run', 'build']);
  run('pnpm', ['--filter', '@nn/digit-recognizer', 'run', 'demo', ...rest]);
} else {
  console.error(`unknown task '${task}': use 'demo' or 'test'`);
  process.exit(2);
}
