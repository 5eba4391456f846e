/**
 * What fit, evaluate and predict refuse instead of doing something quiet and wrong: empty data, unknown options,
 * a loss that turned NaN/Infinity, binaryCrossEntropy inputs outside [0, 1]; and `validationSplit`.
 */
import { TensorDataset } from '@nn/data';
import { SGD } from '@nn/optim';
import { manualSeed, memory, type Tensor, tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { blobs, mlp } from '../../test/helpers';
import { Linear, Sequential, Sigmoid } from '../layers';
import { binaryCrossEntropy, crossEntropy } from '../losses';
import { evaluate, evaluateAsync, predict } from './evaluate';
import { fit } from './fit';

const quiet = { verbose: false } as const;

/** A loss that multiplies crossEntropy by `factor(batchCall)`: NaN or Infinity from a chosen batch on. */
function poisonedFrom(batch: number, value: number) {
  let calls = 0;
  return (p: Tensor, t: Tensor) => {
    const loss = crossEntropy(p, t);
    return calls++ >= batch ? loss.mul(value) : loss;
  };
}

describe('fit and evaluate refuse empty data', () => {
  it('is a ValueError for fit, evaluate, evaluateAsync and an empty validation set', async () => {
    const model = mlp();
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const empty = { x: tensor([], [0, 2]), y: tensor([], [0], 'int32') };
    await expect(fit(model, empty, { epochs: 1, optimizer, loss: 'crossEntropy', ...quiet })).rejects.toThrow(
      new ValueError('fit: trainData is empty (0 samples)'),
    );
    expect(() => evaluate(model, empty, { loss: 'crossEntropy' })).toThrow(
      new ValueError('evaluate: data is empty (0 samples)'),
    );
    await expect(evaluateAsync(model, new TensorDataset(empty.x, empty.y), { loss: 'mse' })).rejects.toThrow(
      'evaluate: data is empty (0 samples)',
    );
    await expect(
      fit(model, blobs(8, 1), { epochs: 1, optimizer, loss: 'crossEntropy', validationData: empty, ...quiet }),
    ).rejects.toThrow('fit: validationData is empty (0 samples)');
  });
});

describe('unknown options', () => {
  it('fit, evaluate and predict name the unknown option, a suggestion and the known ones', async () => {
    const model = mlp();
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const data = blobs(8, 2);
    const typo = { epochs: 1, optimizer, loss: 'crossEntropy', validationSplt: 0.2 } as never;
    await expect(fit(model, data, typo)).rejects.toThrow(
      /^fit: unknown option 'validationSplt'; did you mean 'validationSplit'\? \(known options: epochs, batchSize, optimizer, loss, metrics, validationData, validationSplit, /,
    );
    await expect(fit(model, data, { epochs: 1, optimizer, loss: 'mse', batch_size: 4 } as never)).rejects.toThrow(
      "did you mean 'batchSize'?",
    );
    expect(() => evaluate(model, data, { loss: 'crossEntropy', metric: ['accuracy'] } as never)).toThrow(
      "evaluate: unknown option 'metric'; did you mean 'metrics'? (known options: loss, metrics, batchSize)",
    );
    expect(() => predict(model, data.x, { batch: 4 } as never)).toThrow(
      "predict: unknown option 'batch'; did you mean 'batchSize'? (known options: batchSize)",
    );
    expect(() => predict(model, data.x, { colour: 4 } as never)).toThrow(
      "predict: unknown option 'colour' (known options: batchSize)",
    );
    await expect(fit(model, data, undefined as never)).rejects.toThrow(ValueError);
  });
});

describe('a non-finite loss during fit', () => {
  // 32 samples in batches of 8: 4 batches per epoch; the loss turns bad at the 7th batch (epoch 2, batch 3).
  const data = blobs(32, 3);
  const options = (loss: ReturnType<typeof poisonedFrom>, extra = {}) => {
    const model = mlp();
    return {
      model,
      options: {
        epochs: 3,
        batchSize: 8,
        shuffle: false,
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        loss,
        ...quiet,
        ...extra,
      },
    };
  };

  it('stops training with a ValueError naming the epoch and the first bad batch', async () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const { model, options: o } = options(poisonedFrom(6, value));
      const epochsSeen: number[] = [];
      const run = fit(model, data, { ...o, callbacks: [{ onEpochEnd: (e) => void epochsSeen.push(e) }] });
      await expect(run).rejects.toThrow(
        /^fit: epoch 2\/3, batch 3\/4: the loss became non-finite \(running mean (NaN|Infinity)\); training stopped/,
      );
      expect(epochsSeen).toEqual([0]); // the bad epoch never completes
    }
  });

  it('names the first bad batch even when the epoch has several chunks and reads (onBatchEnd)', async () => {
    manualSeed(0);
    const many = blobs(300, 4); // 300 batches of 1: three chunks of sums
    const { model, options: o } = options(poisonedFrom(200, Number.NaN), { batchSize: 1, epochs: 1 });
    let batches = 0;
    await expect(fit(model, many, { ...o, callbacks: [{ onBatchEnd: () => void batches++ }] })).rejects.toThrow(
      'fit: epoch 1/1, batch 201/300: the loss became non-finite',
    );
    expect(batches).toBe(200); // found at the read right after the bad batch
  });

  it('the progress line shows it; stopOnNonFinite: false keeps training', async () => {
    const lines: string[] = [];
    const progressOutput = { write: (s: string) => void lines.push(s), isTTY: false };
    const stopped = options(poisonedFrom(6, Number.NaN), { verbose: true, progressOutput });
    await expect(fit(stopped.model, data, stopped.options)).rejects.toThrow(ValueError);
    expect(lines.at(-1)).toMatch(/^Epoch 2\/3 - .* - loss NaN\n$/);

    lines.length = 0;
    const kept = options(poisonedFrom(6, Number.NaN), { verbose: true, progressOutput, stopOnNonFinite: false });
    const history = await fit(kept.model, data, kept.options);
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(Number.isFinite(history.loss[0]!)).toBe(true);
    expect(history.loss[1]).toBeNaN();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/loss NaN/);
  });

  it('leaves no tensors behind when it stops', async () => {
    const warm = options(poisonedFrom(100, 1));
    await fit(warm.model, data, warm.options);
    const before = memory().numTensors;
    const { model, options: o } = options(poisonedFrom(2, Number.NaN));
    await expect(fit(model, data, o)).rejects.toThrow(ValueError);
    o.optimizer.dispose();
    for (const p of model.parameters()) p.dispose();
    expect(memory().numTensors).toBeLessThanOrEqual(before);
  });
});

describe('binaryCrossEntropy inputs outside [0, 1] inside fit and evaluate', () => {
  const x = tensor([
    [0.5, 1],
    [1, -1],
    [-1, 0.5],
    [0.2, 0.3],
  ]);

  it('fit stops with a ValueError naming the loss, the epoch and the first bad batch', async () => {
    manualSeed(1);
    const model = new Sequential(new Linear(2, 1), new Sigmoid());
    const y = tensor([[1], [0], [1], [2]]); // the target 2 is in the second batch of 2
    await expect(
      fit(
        model,
        { x, y },
        {
          epochs: 2,
          batchSize: 2,
          shuffle: false,
          optimizer: new SGD(model.parameters(), { lr: 0.1 }),
          loss: 'binaryCrossEntropy',
          ...quiet,
        },
      ),
    ).rejects.toThrow(
      new ValueError(
        'fit: epoch 1/2, batch 2/2: binaryCrossEntropy: probabilities and targets must be in [0, 1]; 1 value(s) are outside it (or NaN)',
      ),
    );
  });

  it('a model that outputs logits instead of probabilities is caught the same way', async () => {
    manualSeed(2);
    const model = new Sequential(new Linear(2, 1)); // no Sigmoid: outputs leave [0, 1]
    (model[0] as Linear).weight.assign(tensor([[5, 5]]));
    const y = tensor([[1], [0], [0], [1]]);
    const run = fit(
      model,
      { x, y },
      {
        epochs: 1,
        batchSize: 4,
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        loss: binaryCrossEntropy,
        ...quiet,
      },
    );
    await expect(run).rejects.toThrow(/^fit: epoch 1\/1, batch 1\/1: binaryCrossEntropy: .* 3 value\(s\) are outside/);
    expect(() => evaluate(model, { x, y }, { loss: 'binaryCrossEntropy', batchSize: 2 })).toThrow(
      /^evaluate: batch 1\/2: binaryCrossEntropy: /,
    );
  });
});

describe('validationSplit', () => {
  it('holds out the last fraction before shuffling: the same run as validationData of those rows', async () => {
    const data = blobs(40, 5);
    const run = async (train: { x: Tensor; y: Tensor }, extra: object) => {
      manualSeed(3);
      const model = mlp();
      return fit(model, train, {
        epochs: 2,
        batchSize: 8,
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        loss: 'crossEntropy',
        metrics: ['accuracy'],
        ...quiet,
        ...extra,
      });
    };
    const rows = (t: Tensor, start: number, size: number) =>
      t.slice([start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)]);
    const split = await run(data, { validationSplit: 0.25 });
    const explicit = await run(
      { x: rows(data.x, 0, 30), y: rows(data.y, 0, 30) },
      { validationData: { x: rows(data.x, 30, 10), y: rows(data.y, 30, 10) } },
    );
    expect(split.valLoss).toHaveLength(2);
    expect(split).toEqual(explicit);
    const other = await run(
      { x: rows(data.x, 10, 30), y: rows(data.y, 10, 30) },
      { validationData: { x: rows(data.x, 0, 10), y: rows(data.y, 0, 10) } },
    );
    expect(split.valLoss).not.toEqual(other.valLoss);
  });

  it('refuses bad fractions, a split that leaves nothing, and validationData at the same time', async () => {
    const model = mlp();
    const base = {
      epochs: 1,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: 'crossEntropy' as const,
      ...quiet,
    };
    for (const bad of [0, 1, -0.1, Number.NaN]) {
      await expect(fit(model, blobs(10, 6), { ...base, validationSplit: bad })).rejects.toThrow(
        `fit: validationSplit must be a number in (0, 1), got ${bad}`,
      );
    }
    await expect(fit(model, blobs(3, 6), { ...base, validationSplit: 0.9 })).rejects.toThrow(
      'fit: validationSplit 0.9 of 3 samples leaves 0 for training and 3 for validation; both need at least one',
    );
    await expect(
      fit(model, blobs(10, 6), { ...base, validationSplit: 0.2, validationData: blobs(4, 7) }),
    ).rejects.toThrow('fit: pass validationData or validationSplit, not both');
  });
});
