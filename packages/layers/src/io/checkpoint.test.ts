import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, StepLR } from '@nn/optim';
import { defaultGenerator, FormatError, manualSeed, randn, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout, Linear, ReLU, Sequential } from '../layers';
import { ModelCheckpoint } from '../training/callbacks';
import { fit } from '../training/fit';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';

const tempDir = () => mkdtempSync(join(tmpdir(), 'nn-ckpt-'));

/** Dropout draws from the default generator, so its state must be in the checkpoint for exact resume. */
const makeModel = () => new Sequential(new Linear(4, 16), new ReLU(), new Dropout(0.3), new Linear(16, 3));

function data() {
  const x = randn([50, 4], { seed: 11 });
  const labels = Array.from({ length: 50 }, (_, i) => (i * 7) % 3);
  return { x, y: tensor(labels, [50], 'int32') };
}

const weights = (m: Sequential) => Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]);

describe('checkpoints', () => {
  it('2 epochs straight == 1 epoch + checkpoint + fresh objects + 1 epoch, bit for bit', async () => {
    const train = data();
    const options = {
      batchSize: 8,
      loss: 'crossEntropy' as const,
      metrics: ['accuracy' as const],
      seed: 5,
      verbose: false,
    };

    manualSeed(7);
    const straight = makeModel();
    const optStraight = new Adam(straight.parameters(), { lr: 0.01 });
    const schedStraight = new StepLR(optStraight, { stepSize: 1, gamma: 0.5 });
    const history = await fit(straight, train, {
      ...options,
      epochs: 2,
      optimizer: optStraight,
      scheduler: schedStraight,
    });
    const generatorAfterStraight = defaultGenerator.getState();

    manualSeed(7);
    const first = makeModel();
    const optFirst = new Adam(first.parameters(), { lr: 0.01 });
    const schedFirst = new StepLR(optFirst, { stepSize: 1, gamma: 0.5 });
    const path = join(tempDir(), 'ckpt-{epoch}.safetensors');
    const checkpoint = new ModelCheckpoint(path);
    await fit(first, train, {
      ...options,
      epochs: 1,
      optimizer: optFirst,
      scheduler: schedFirst,
      callbacks: [checkpoint],
    });
    expect(checkpoint.saved).toEqual([path.replace('{epoch}', '1')]);

    // A fresh set of objects, initialised from a different seed, and a disturbed default generator.
    manualSeed(12345);
    const resumed = makeModel();
    const optResumed = new Adam(resumed.parameters(), { lr: 0.5 });
    const schedResumed = new StepLR(optResumed, { stepSize: 1, gamma: 0.5 });
    defaultGenerator.seed(999);
    const { epoch, extra } = await loadCheckpoint(checkpoint.saved[0]!, {
      model: resumed,
      optimizer: optResumed,
      scheduler: schedResumed,
    });
    expect(epoch).toBe(1);
    expect((extra as { history: { loss: number[] } }).history.loss).toEqual([history.loss[0]]);
    const rest = await fit(resumed, train, {
      ...options,
      epochs: 2,
      initialEpoch: epoch,
      optimizer: optResumed,
      scheduler: schedResumed,
    });
    expect(rest.epoch).toEqual([1]);
    expect(rest.loss[0]).toBe(history.loss[1]);
    expect(weights(resumed)).toEqual(weights(straight));
    expect(optResumed.lr).toBe(optStraight.lr);
    expect(optResumed.stateDict()).toEqual(optStraight.stateDict());
    expect(defaultGenerator.getState()).toEqual(generatorAfterStraight);
  });

  it('a checkpoint for another architecture is a FormatError and changes nothing', async () => {
    const path = join(tempDir(), 'ckpt.safetensors');
    const source = makeModel();
    const optSource = new Adam(source.parameters());
    optSource.applyGradients(source.parameters().map((p) => p.mul(0).add(1)));
    await saveCheckpoint(path, { model: source, optimizer: optSource, epoch: 3, extra: { note: 'x' } });

    const other = new Sequential(new Linear(4, 10), new ReLU(), new Dropout(0.3), new Linear(10, 3));
    const optOther = new Adam(other.parameters(), { lr: 0.2 });
    const before = weights(other);
    const stateBefore = optOther.stateDict();
    const generatorBefore = defaultGenerator.getState();
    await expect(loadCheckpoint(path, { model: other, optimizer: optOther })).rejects.toThrow(
      /'0.weight' is float32 \[16,4\] in the checkpoint, float32 \[10,4\] in the model/,
    );
    expect(weights(other)).toEqual(before);
    expect(optOther.stateDict()).toEqual(stateBefore);
    expect(defaultGenerator.getState()).toEqual(generatorBefore);

    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, 100));
    await expect(loadCheckpoint(path, { model: other })).rejects.toThrow(FormatError);
  });

  it('an optimizer state of the wrong type is refused before the model changes', async () => {
    const model = makeModel();
    const path = join(tempDir(), 'ckpt.safetensors');
    await saveCheckpoint(path, { model, optimizer: new Adam(model.parameters()), epoch: 1 });
    const fresh = makeModel();
    const before = weights(fresh);
    const { SGD } = await import('@nn/optim');
    await expect(
      loadCheckpoint(path, { model: fresh, optimizer: new SGD(fresh.parameters(), { lr: 0.1 }) }),
    ).rejects.toThrow(/belongs to a Adam optimizer, not SGD/);
    expect(weights(fresh)).toEqual(before);
  });
});
