import type { HostTransform } from '@nn/data';
import { Adam, SGD } from '@nn/optim';
import { manualSeed, memory } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { blobs, mlp } from '../../test/helpers';
import { EarlyStopping, type Logs } from './callbacks';
import { evaluate, predict } from './evaluate';
import { fit } from './fit';
import { ProgressBar } from './progress';

describe('fit', () => {
  it('reduces the loss on a tiny dataset and returns the requested metrics', async () => {
    manualSeed(1);
    const model = mlp();
    const train = blobs(64, 1);
    const history = await fit(model, train, {
      epochs: 15,
      batchSize: 16,
      optimizer: new Adam(model.parameters(), { lr: 0.05 }),
      loss: 'crossEntropy',
      metrics: ['accuracy', 'error'],
      validationData: blobs(32, 2),
      verbose: false,
    });
    expect(history.epoch).toEqual([...Array(15).keys()]);
    for (const key of ['loss', 'accuracy', 'error', 'valLoss', 'valAccuracy', 'valError']) {
      expect(history[key], key).toHaveLength(15);
    }
    expect(history.loss.at(-1)!).toBeLessThan(history.loss[0]! / 3);
    expect(history.accuracy!.at(-1)!).toBeGreaterThan(0.9);
    expect(history.valAccuracy!.at(-1)!).toBeGreaterThan(0.9);
    expect(history.accuracy!.at(-1)! + history.error!.at(-1)!).toBeCloseTo(1, 10);
    expect(model.training).toBe(true);
  });

  it('applies the transform to training batches only', async () => {
    manualSeed(1);
    const model = mlp();
    const seen: number[] = [];
    // Negating x flips the classes: a model trained through the transform must fail on untransformed data.
    const flip: HostTransform = {
      name: 'flip',
      applyHost(batch) {
        seen.push(batch.x.data.length);
        for (let i = 0; i < batch.x.data.length; i++) batch.x.data[i] = -batch.x.data[i]!;
        return batch;
      },
    };
    const history = await fit(model, blobs(64, 1), {
      epochs: 15,
      batchSize: 16,
      optimizer: new Adam(model.parameters(), { lr: 0.05 }),
      loss: 'crossEntropy',
      metrics: ['accuracy'],
      validationData: blobs(32, 2),
      transform: flip,
      verbose: false,
    });
    expect(seen).toHaveLength(15 * 4);
    expect(history.accuracy!.at(-1)!).toBeGreaterThan(0.9);
    expect(history.valAccuracy!.at(-1)!).toBeLessThan(0.1);
  });

  it('does not leak tensors across epochs', async () => {
    const model = mlp();
    const data = blobs(32, 3);
    const options = {
      epochs: 1,
      batchSize: 8,
      optimizer: new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
      loss: 'crossEntropy' as const,
      metrics: ['accuracy' as const],
      verbose: false,
    };
    await fit(model, data, options);
    const before = memory().numTensors;
    await fit(model, data, { ...options, epochs: 3 });
    // At most: the GC may collect tensors that earlier tests dropped (FinalizationRegistry lowers the count).
    expect(memory().numTensors).toBeLessThanOrEqual(before);
  });

  it('EarlyStopping stops when the monitored value stops improving and can restore the best weights', async () => {
    const model = mlp();
    const stopper = new EarlyStopping({ monitor: 'loss', patience: 2, minDelta: 1e-4, restoreBestWeights: true });
    const seen: number[] = [];
    const history = await fit(model, blobs(16, 4), {
      epochs: 20,
      optimizer: new SGD(model.parameters(), { lr: 0 }), // nothing changes: no improvement after epoch 0
      loss: 'crossEntropy',
      verbose: false,
      callbacks: [stopper, { onEpochEnd: (epoch: number) => void seen.push(epoch) }],
    });
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(seen).toEqual([0, 1, 2]);
    expect(stopper.stoppedEpoch).toBe(2);
    expect(stopper.bestEpoch).toBe(0);
  });

  it('an unknown monitor is a clear error', async () => {
    const model = mlp();
    await expect(
      fit(model, blobs(8, 5), {
        epochs: 2,
        optimizer: new SGD(model.parameters(), { lr: 0.1 }),
        loss: 'crossEntropy',
        verbose: false,
        callbacks: [new EarlyStopping()],
      }),
    ).rejects.toThrow(/'valLoss' is not logged \(available: loss\)/);
  });

  it('validates its options', async () => {
    const model = mlp();
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const data = blobs(8, 6);
    await expect(fit(model, data, { epochs: 0, optimizer, loss: 'mse' })).rejects.toThrow(
      /epochs must be a positive integer/,
    );
    await expect(fit(model, data, { epochs: 1, optimizer, loss: 'hinge' as 'mse' })).rejects.toThrow(
      /unknown loss "hinge"/,
    );
    await expect(fit(model, data, { epochs: 1, optimizer, loss: 'mse', metrics: ['f1' as 'mse'] })).rejects.toThrow(
      /unknown metric "f1"/,
    );
  });

  it('prints one line per epoch when not on a terminal, and nothing with verbose=false', async () => {
    const model = mlp();
    const lines: string[] = [];
    const output = { write: (s: string) => void lines.push(s), isTTY: false };
    await fit(model, blobs(8, 7), {
      epochs: 2,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: 'crossEntropy',
      metrics: ['accuracy'],
      progressOutput: output,
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Epoch 1\/2 - .*s - loss \d\.\d{4} - accuracy \d\.\d{4}\n$/);
    lines.length = 0;
    await fit(model, blobs(8, 7), {
      epochs: 2,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: 'crossEntropy',
      verbose: false,
      progressOutput: output,
    });
    expect(lines).toHaveLength(0);
  });
});

describe('ProgressBar on a terminal', () => {
  it('redraws one line at most every 100 ms, with rate, ETA and running metrics', () => {
    const writes: string[] = [];
    let now = 0;
    const bar = new ProgressBar(
      true,
      3,
      1000,
      { write: (s) => void writes.push(s), isTTY: true, columns: 200 },
      () => now,
    );
    bar.epochBegin(0);
    const logs: Logs = { loss: 0.5, accuracy: 0.75 };
    for (let done = 100; done <= 1000; done += 100) {
      now += 30;
      bar.batchEnd(done, logs);
    }
    // 10 batches 30 ms apart: drawn at 30 (first), 150, 270, then the final batch.
    expect(writes.length).toBeLessThanOrEqual(5);
    const ESC = String.fromCharCode(27);
    expect(writes[0]!.endsWith(`${ESC}[K`)).toBe(true);
    expect(writes[0]).toMatch(
      /^\rEpoch 1\/3 \[==>\s+\] 100\/1000 3333 samples\/s ETA 0\.3s - loss 0\.5000 - accuracy 0\.7500/,
    );
    expect(writes.at(-1)).toContain('1000/1000');
    bar.epochEnd(logs);
    expect(writes.at(-1)).toBe(`\rEpoch 1/3 - 0.3s - loss 0.5000 - accuracy 0.7500${ESC}[K\n`);
  });
});

describe('evaluate and predict', () => {
  it('evaluate returns the mean loss and metrics; predict returns one batched tensor', () => {
    const model = mlp();
    const data = blobs(10, 8);
    const result = evaluate(model, data, { loss: 'crossEntropy', metrics: ['accuracy', 'mae'], batchSize: 3 });
    expect(Object.keys(result).sort()).toEqual(['accuracy', 'loss', 'mae']);
    expect(result.accuracy).toBeGreaterThanOrEqual(0);
    const out = predict(model, data.x, { batchSize: 3 });
    expect(out.shape).toEqual([10, 2]);
    const whole = model.forward(data.x);
    const a = out.dataSync();
    const b = whole.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 6);
    expect(model.training).toBe(true);
  });
});
