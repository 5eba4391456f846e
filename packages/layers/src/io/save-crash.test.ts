/**
 * saveModel under SIGKILL: a child process saves two models in turn over a directory holding a good model and
 * is killed by its pid after a random delay; the directory must then load as one complete model it held. The
 * default run makes 48 kills: 0.1's saveModel broke the directory in 10 to 13 kills of 100 here, so it passes 48
 * with odds below 1 in 150. NN_SAVE_KILLS=100 makes more. The kills run in 4 lanes, each on its own directory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { nnSources } from '../../../../tooling/browser/harness.mjs';
import type { Module } from '../module';
import { loadModel, saveModel } from './model';
import { tempPattern } from './node-files';
import { crashModels, firstModel } from './save-crash-models';

const KILLS = Number(process.env.NN_SAVE_KILLS ?? 48);
const LANES = 4;
/** Kill delays are uniform in [0, MAX_DELAY_MS) after the child is ready: a save takes ~10 ms, so most land mid-save. */
const MAX_DELAY_MS = 100;

async function bundleChild(): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'nn-crash-child-')), 'child.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./save-crash-child.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'es2022',
    outfile,
    logLevel: 'error',
    plugins: [nnSources({ node: true })],
  });
  return outfile;
}

/** Starts the child on `dir`, waits until it is saving, kills it after a random delay and waits for its exit. */
async function killMidSave(child: string, dir: string): Promise<void> {
  const proc = spawn(process.execPath, [child, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    proc.stdout.once('data', resolve);
    proc.once('exit', (code) => reject(new Error(`the child exited (${code}) before it was killed`)));
  });
  await new Promise((resolve) => setTimeout(resolve, Math.random() * MAX_DELAY_MS));
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  process.kill(proc.pid!, 'SIGKILL');
  await exited;
}

const fingerprint = (m: Module) => JSON.stringify(Object.values(m.stateDict()).map((t) => Array.from(t.dataSync())));

const tempsIn = (dir: string) =>
  readdirSync(dir).filter(
    (name) => tempPattern('model.safetensors').test(name) || tempPattern('model.json').test(name),
  );

describe('saveModel under SIGKILL', () => {
  it(`loads a complete model after each of ${KILLS} kills at random instants, then cleans up`, async () => {
    const child = await bundleChild();
    const known = [firstModel(), ...crashModels()].map(fingerprint);
    const outcomes: string[] = [];
    const dirs: string[] = [];
    await Promise.all(
      Array.from({ length: LANES }, async (_, lane) => {
        const dir = mkdtempSync(join(tmpdir(), 'nn-crash-'));
        dirs.push(dir);
        await saveModel(firstModel(), dir);
        for (let i = lane; i < KILLS; i += LANES) {
          await killMidSave(child, dir);
          try {
            const loaded = await loadModel(dir);
            const which = known.indexOf(fingerprint(loaded));
            outcomes.push(which >= 0 ? `model ${which}` : 'loaded weights that no save wrote');
          } catch (error) {
            outcomes.push(`load failed: ${(error as Error).message}`);
          }
        }
      }),
    );
    const failures = outcomes.filter((o) => !o.startsWith('model'));
    const left = dirs.flatMap(tempsIn);
    console.log(
      `saveModel under SIGKILL: ${outcomes.length - failures.length} of ${outcomes.length} kills left a loadable model ` +
        `(${outcomes.filter((o) => o === 'model 1' || o === 'model 2').length} a model the child saved); ` +
        `${left.length} temporary files left behind`,
    );
    expect(failures).toEqual([]);
    expect(outcomes).toHaveLength(KILLS);
    // The next successful save removes what the killed writers left.
    for (const dir of dirs) await saveModel(firstModel(), dir);
    expect(dirs.flatMap(tempsIn)).toEqual([]);
    for (const dir of dirs) expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.safetensors']);
  }, 600_000);
});
