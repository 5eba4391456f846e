// Tests run against src/, which imports the generated wasm module: compile it first when missing or stale
// (a no-op when up to date), so `vitest` works on a fresh clone without a build.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const script = fileURLToPath(new URL('../scripts/build-wasm.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`backend-wasm: ${script} failed (exit ${result.status})`);
}
