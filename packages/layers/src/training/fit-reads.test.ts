/**
 * `fit` and `evaluate` keep the running loss/metric sums on the device: no synchronous read per batch, the
 * same History as a hand-written loop, and no tensors left behind.
 */
import { TensorDataset } from '@nn/data';
import { Adam, SGD } from '@nn/optim';
import { manualSeed, memory, oneHot, type Tensor, tensor } from '@nn/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { blobs, mlp } from '../../test/helpers';
import { Linear, Sequential, Sigmoid } from '../layers';
import { crossEntropy } from '../losses';
import type { Logs } from './callbacks';
import { evaluate, evaluateAsync } from './evaluate';
import { fit } from './fit';

/** Counts every synchronous read (`dataSync`, `item`, `toArray`) and every `data()` while installed. */
function spyReads() {
  const proto = Object.getPrototypeOf(tensor([0])) as Tensor;
  const dataSync = vi.spyOn(proto, 'dataSync');
  const item = vi.spyOn(proto, 'item');
  const toArray = vi.spyOn(proto, 'toArray');
  const data = vi.spyOn(proto, 'data');
  return {
    syncReads: () => dataSync.mock.calls.length + item.mock.calls.length + toArray.mock.calls.length,
    /** dtypes of the tensors read by dataSync. */
    dataSyncDTypes: () => dataSync.mock.contexts.map((t) => (t as Tensor).dtype),
    asyncReads: () => data.mock.calls.length,
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fit reads the device only when a number is needed', () => {
  const epochs = 3;
  const samples = 256;
  const batchSize = 8; // 32 batches per epoch, 96 in all

  it('no synchronous read at all with probability targets: one data() per epoch and per validation', async () => {
    manualSeed(3);
    const model = mlp();
    const { x, y } = blobs(samples, 1, 0.7);
    const val = blobs(64, 2, 0.7);
    // One-hot float targets: crossEntropy has no class indices to validate on the host.
    const train = new TensorDataset(x, oneHot(y, 2));
    const validation = new TensorDataset(val.x, oneHot(val.y, 2));
    const reads = spyReads();
    const history = await fit(model, train, {
      epochs,
      batchSize,
      optimizer: new Adam(model.parameters(), { lr: 0.02 }),
      loss: 'crossEntropy',
      metrics: ['accuracy', 'mae'],
      validationData: validation,
      verbose: false,
    });
    expect(reads.syncReads()).toBe(0);
    expect(reads.asyncReads()).toBe(2 * epochs);
    expect(history.loss).toHaveLength(epochs);
    expect(history.valAccuracy).toHaveLength(epochs);
  });

  it('with int32 labels the only synchronous reads are crossEntropy validating the host-made labels', async () => {
    manualSeed(3);
    const model = mlp();
    const { x, y } = blobs(samples, 1, 0.7);
    const train = new TensorDataset(x, y);
    const reads = spyReads();
    await fit(model, train, {
      epochs,
      batchSize,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: 'crossEntropy',
      metrics: ['accuracy'],
      verbose: false,
    });
    // crossEntropy (and oneHot in @nn/tensor) check the class indices on the host: left as they are, since the
    // labels come from the host (DataLoader) and reading them never waits for the device. Nothing else is read.
    const dtypes = reads.dataSyncDTypes();
    expect(dtypes.length).toBeGreaterThan(0);
    expect(dtypes.filter((d) => d !== 'int32')).toEqual([]);
    expect(reads.syncReads()).toBe(dtypes.length); // no item()/toArray()
    expect(reads.asyncReads()).toBe(epochs);
  });

  it('binaryCrossEntropy range checks and the non-finite loss watch add no read', async () => {
    manualSeed(3);
    const model = new Sequential(new Linear(2, 1), new Sigmoid());
    const { x, y } = blobs(samples, 1, 0.7);
    const targets = y.cast('float32').reshape([samples, 1]);
    const val = blobs(64, 2, 0.7);
    const train = new TensorDataset(x, targets); // copies to the host: made before counting reads
    const validation = new TensorDataset(val.x, val.y.cast('float32').reshape([64, 1]));
    const reads = spyReads();
    const history = await fit(model, train, {
      epochs,
      batchSize,
      optimizer: new SGD(model.parameters(), { lr: 0.5 }),
      loss: 'binaryCrossEntropy',
      metrics: ['accuracy'],
      validationData: validation,
      verbose: false,
    });
    expect(reads.syncReads()).toBe(0);
    expect(reads.asyncReads()).toBe(2 * epochs);
    expect(history.accuracy!.at(-1)!).toBeGreaterThan(0.9);

    // A loss that turns NaN, with stopOnNonFinite: false: still one read per epoch, and the NaN is in History.
    let calls = 0;
    const nanFromBatch = (p: Tensor, t: Tensor) => {
      const loss = crossEntropy(p, t);
      return calls++ >= 40 ? loss.mul(Number.NaN) : loss;
    };
    const mlpModel = mlp();
    const oneHotTrain = new TensorDataset(x, oneHot(y, 2));
    vi.restoreAllMocks();
    const before = spyReads();
    const nan = await fit(mlpModel, oneHotTrain, {
      epochs,
      batchSize,
      optimizer: new SGD(mlpModel.parameters(), { lr: 0.1 }),
      loss: nanFromBatch,
      stopOnNonFinite: false,
      verbose: false,
    });
    expect(before.syncReads()).toBe(0);
    expect(before.asyncReads()).toBe(epochs);
    expect(nan.loss[0]).not.toBeNaN();
    expect(nan.loss[1]).toBeNaN();
  });

  it('a live progress bar reads the running values at most every 200 ms, not every batch', async () => {
    manualSeed(3);
    const model = mlp();
    const { x, y } = blobs(samples, 1, 0.7);
    const train = new TensorDataset(x, oneHot(y, 2));
    const lines: string[] = [];
    const reads = spyReads();
    await fit(model, train, {
      epochs,
      batchSize,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: 'crossEntropy',
      metrics: ['accuracy'],
      progressOutput: { write: (s) => void lines.push(s), isTTY: true, columns: 200 },
    });
    expect(reads.syncReads()).toBe(0);
    // At least the first batch of each epoch and the epoch end; far fewer than one per batch on this fast run.
    expect(reads.asyncReads()).toBeGreaterThanOrEqual(2 * epochs);
    expect(reads.asyncReads()).toBeLessThan(epochs * (samples / batchSize));
    const live = lines.filter((l) => l.includes('samples/s'));
    expect(live.length).toBeGreaterThan(0);
    expect(live[0]).toMatch(/loss \d\.\d{4} - accuracy \d\.\d{4}/);
  });

  it('an onBatchEnd callback gets the running means after every batch (read only because it is there)', async () => {
    manualSeed(3);
    const model = mlp();
    const { x, y } = blobs(32, 1, 0.7);
    const seen: Logs[] = [];
    const history = await fit(model, new TensorDataset(x, oneHot(y, 2)), {
      epochs: 1,
      batchSize: 8,
      shuffle: false,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      loss: 'crossEntropy',
      metrics: ['accuracy'],
      verbose: false,
      callbacks: [{ onBatchEnd: (_batch: number, logs: Logs) => void seen.push(logs) }],
    });
    expect(seen).toHaveLength(4);
    expect(Object.keys(seen[0]!).sort()).toEqual(['accuracy', 'loss']);
    expect(seen.at(-1)!.loss).toBeCloseTo(history.loss[0]!, 6);
    expect(seen.at(-1)!.accuracy).toBe(history.accuracy![0]);
  });
});

describe('fit History equals a hand-written loop', () => {
  it('loss, accuracy, valLoss and valAccuracy per epoch, with a partial last batch', async () => {
    const train = blobs(100, 4, 0.7); // batches of 16: six full ones and one of 4
    const val = blobs(40, 5, 0.7);
    const epochs = 3;
    const batchSize = 16;

    manualSeed(7);
    const model = mlp();
    const history = await fit(model, train, {
      epochs,
      batchSize,
      shuffle: false,
      optimizer: new Adam(model.parameters(), { lr: 0.05 }),
      loss: 'crossEntropy',
      metrics: ['accuracy', 'mse'],
      validationData: val,
      verbose: false,
    });

    // The same training by hand, every number read on the host in float64 (what fit did before).
    manualSeed(7);
    const manual = mlp();
    const optimizer = new Adam(manual.parameters(), { lr: 0.05 });
    const labels = Array.from(train.y.dataSync());
    const rows = (t: Tensor, start: number, size: number) =>
      t.slice([start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)]);
    const accuracyOf = (logits: Float32Array | ArrayLike<number>, ys: ArrayLike<number>) => {
      let correct = 0;
      for (let i = 0; i < ys.length; i++) if ((logits[2 * i + 1]! > logits[2 * i]! ? 1 : 0) === ys[i]) correct++;
      return correct;
    };
    const mseOf = (logits: ArrayLike<number>, ys: ArrayLike<number>) => {
      let sum = 0;
      for (let i = 0; i < ys.length; i++) {
        for (let c = 0; c < 2; c++) sum += (logits[2 * i + c]! - (ys[i] === c ? 1 : 0)) ** 2 / 2;
      }
      return sum;
    };
    for (let epoch = 0; epoch < epochs; epoch++) {
      let loss = 0;
      let correct = 0;
      let mse = 0;
      for (let start = 0; start < 100; start += batchSize) {
        const size = Math.min(batchSize, 100 - start);
        const x = rows(train.x, start, size);
        const y = rows(train.y, start, size);
        let logits: ArrayLike<number> = [];
        const value = optimizer.step(() => {
          const out = manual.forward(x);
          logits = out.dataSync();
          return crossEntropy(out, y);
        });
        loss += value.item() * size;
        const ys = labels.slice(start, start + size);
        correct += accuracyOf(logits, ys);
        mse += mseOf(logits, ys);
      }
      expect(history.loss[epoch]).toBeCloseTo(loss / 100, 6);
      expect(history.accuracy![epoch]).toBe(correct / 100); // counts are exact
      expect(history.mse![epoch]).toBeCloseTo(mse / 100, 6);
      const out = manual.forward(val.x);
      expect(history.valLoss![epoch]).toBeCloseTo(crossEntropy(out, val.y).item(), 6);
      expect(history.valAccuracy![epoch]).toBe(accuracyOf(out.dataSync(), val.y.dataSync()) / 40);
    }
  });

  it('evaluate and evaluateAsync agree with a direct computation', async () => {
    manualSeed(2);
    const model = mlp();
    const data = blobs(50, 6, 0.7);
    const dataset = new TensorDataset(data.x, data.y);
    const options = { loss: 'crossEntropy' as const, metrics: ['accuracy' as const, 'error' as const], batchSize: 7 };
    const sync = evaluate(model, dataset, options);
    const reads = spyReads();
    const viaData = await evaluateAsync(model, dataset, options);
    expect(reads.asyncReads()).toBe(1);
    // The only synchronous reads: the class-index checks on the host-made int32 labels.
    expect(reads.dataSyncDTypes().filter((d) => d !== 'int32')).toEqual([]);
    expect(reads.syncReads()).toBe(reads.dataSyncDTypes().length);
    const out = model.forward(data.x);
    const direct = crossEntropy(out, data.y).item();
    for (const result of [sync, viaData]) {
      expect(result.loss).toBeCloseTo(direct, 6);
      expect(result.accuracy! + result.error!).toBe(1);
    }
    expect(viaData).toEqual(sync);
  });
});

describe('fit memory', () => {
  it('stays flat over several epochs, with validation, metrics, callbacks and a live bar', async () => {
    manualSeed(5);
    const model = mlp();
    const train = blobs(96, 7, 0.7);
    const val = blobs(24, 8, 0.7);
    const options = {
      batchSize: 8,
      optimizer: new Adam(model.parameters(), { lr: 0.01 }),
      loss: 'crossEntropy' as const,
      metrics: ['accuracy' as const, 'error' as const, 'mae' as const, 'mse' as const],
      validationData: val,
      progressOutput: { write: () => undefined, isTTY: true },
      callbacks: [{ onBatchEnd: () => undefined }],
    };
    await fit(model, train, { ...options, epochs: 1 }); // optimizer state exists from here on
    const before = memory().numTensors;
    await fit(model, train, { ...options, epochs: 5 });
    // At most: the GC may collect tensors that earlier tests dropped (a leak here would be ~60 per fit).
    expect(memory().numTensors).toBeLessThanOrEqual(before);
    const evaluateOptions = { loss: options.loss, metrics: options.metrics, batchSize: options.batchSize };
    evaluate(model, val, evaluateOptions);
    await evaluateAsync(model, val, evaluateOptions);
    expect(memory().numTensors).toBeLessThanOrEqual(before);
  });

  it('frees its device sums when a batch throws', async () => {
    const model = mlp();
    const train = blobs(32, 9, 0.7);
    let calls = 0;
    const failing = (p: Tensor, t: Tensor) => {
      if (++calls === 3) throw new Error('boom');
      return crossEntropy(p, t);
    };
    const options = {
      epochs: 1,
      batchSize: 8,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      metrics: ['accuracy' as const],
      verbose: false,
    };
    await fit(model, train, { ...options, loss: crossEntropy });
    const before = memory().numTensors;
    await expect(fit(model, train, { ...options, loss: failing })).rejects.toThrow('boom');
    expect(memory().numTensors).toBeLessThanOrEqual(before);
  });
});
