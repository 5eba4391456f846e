/** What the CI tests share: run an example's quick configuration on the wasm backend, seeded, into a temp dir. */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed } from '@nn/tensor';
import { useBackend } from './backend';
import type { Example, ExampleResult } from './example';

/** Runs `example.quick` (or `config`) with seed 0 on wasm; checks every picture it reports exists. */
export async function quickRun<C>(example: Example<C>, config: C = example.quick): Promise<ExampleResult> {
  await useBackend('wasm');
  manualSeed(0);
  const out = await mkdtemp(join(tmpdir(), `nn-${example.name}-test-`));
  const result = await example.run(config, { out, log: () => {} });
  for (const picture of result.pictures) {
    if (!existsSync(join(out, picture))) throw new Error(`${example.name}: picture ${picture} was not written`);
  }
  if (result.pictures.length === 0) throw new Error(`${example.name}: wrote no picture`);
  return result;
}
