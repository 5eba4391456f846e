/**
 * A failed load allocates nothing: after each of 1,000 failed loads `memory().numTensors` is what it was before.
 * 0.1 leaked the model it had rebuilt (or the children built before a bad one, or the parsed weights).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, memory, type tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Linear, ReLU, Sequential } from '../layers';
import { serializeModule } from '../registry';
import { loadModel } from './model';
import { deserializeModel, serializeModel } from './model-format';
import { serializeSafetensors } from './safetensors';

const small = () => new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
const linear = (inFeatures: number, outFeatures: number) => ({
  className: 'Linear',
  config: { inFeatures, outFeatures, bias: true },
});

/** A model directory laid out as 0.1 wrote it (both loaders read it): model.json + weights paired by saveId. */
function modelDir(architecture: unknown, weights: Record<string, ReturnType<typeof tensor>>, saveIds = ['s', 's']) {
  const dir = mkdtempSync(join(tmpdir(), 'nn-failed-load-'));
  const json = { format: 'nn-model', version: 1, architecture, saveId: saveIds[0], metadata: {} };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  writeFileSync(
    join(dir, 'model.safetensors'),
    serializeSafetensors(weights, { format: 'nn-model', saveId: saveIds[1]! }),
  );
  return dir;
}

/** Runs `load` (which must fail with a FormatError) `times` times; returns the tensors each call left, summed. */
async function leakedBy(times: number, load: () => Promise<unknown>): Promise<number> {
  let leaked = 0;
  for (let i = 0; i < times; i++) {
    const before = memory().numTensors;
    await expect(load()).rejects.toThrow(FormatError);
    leaked += Math.max(0, memory().numTensors - before);
  }
  return leaked;
}

describe('a failed load allocates nothing', () => {
  it('loadModel: 1,000 failures of four kinds leak no tensor', async () => {
    const weights = small().stateDict();
    const dirs = {
      // The architecture builds, then the weights do not fit it (the model is disposed again).
      'weights for another architecture': modelDir(serializeModule(new Sequential(new Linear(3, 5))), weights),
      // Two children are built, the third is an unknown class (the two are disposed again).
      'an unknown class after two built layers': modelDir(
        {
          className: 'Sequential',
          config: {},
          children: [linear(3, 4), linear(4, 2), { className: 'Nope', config: {} }],
        },
        weights,
      ),
      // Two children are built, the third refuses its config.
      'a bad config after two built layers': modelDir(
        { className: 'Sequential', config: {}, children: [linear(3, 4), linear(4, 2), linear(2, -2)] },
        weights,
      ),
      // The weights were parsed, then model.json turns out to come from another save.
      'a model.json from another save': modelDir(serializeModule(small()), weights, ['a', 'b']),
    };
    const leaks: Record<string, number> = {};
    for (const [kind, dir] of Object.entries(dirs)) leaks[kind] = await leakedBy(250, () => loadModel(dir));
    console.log(`tensors left by 1,000 failed loadModel calls: ${JSON.stringify(leaks)}`);
    expect(leaks).toEqual(Object.fromEntries(Object.keys(dirs).map((kind) => [kind, 0])));
  });

  it('deserializeModel: failures leak no tensor either', async () => {
    const mismatched = serializeSafetensors(small().stateDict(), {
      format: 'nn-model',
      'model.json': JSON.stringify({
        format: 'nn-model',
        version: 1,
        architecture: serializeModule(new Sequential(new Linear(3, 5))),
        saveId: 's',
        metadata: {},
      }),
    });
    const plain = serializeSafetensors(small().stateDict());
    const good = serializeModel(small());
    const cases = [mismatched, plain, good.subarray(0, good.length - 3)];
    for (const bytes of cases) expect(await leakedBy(100, async () => deserializeModel(bytes))).toBe(0);
  });
});
