/**
 * Tensor data is batched on its device: `fit` and `evaluate` never copy `{ x, y }` to the host, and the batches
 * (order, rows, the validation split) are the ones the DataLoader path makes.
 */
import { type Dataset, type Sample, TensorDataset } from '@nn/data';
import { Adam } from '@nn/optim';
import { manualSeed, oneHot, type Tensor, tensor } from '@nn/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { blobs, mlp } from '../../test/helpers';
import { batchesOf, TensorRows } from './batches';
import { evaluateAsync } from './evaluate';
import { fit } from './fit';

/** A TensorDataset subclass: batched through the DataLoader (its `get` could differ), so the host path. */
class HostDataset extends TensorDataset {}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('tensor data is batched on the device', () => {
  it('fit and evaluateAsync on { x, y } make no synchronous read (the data are not copied to the host)', async () => {
    manualSeed(1);
    const model = mlp();
    const { x, y } = blobs(96, 1, 0.7);
    const targets = oneHot(y, 2).cast('float32'); // float targets: crossEntropy checks nothing on the host
    const proto = Object.getPrototypeOf(tensor([0])) as Tensor;
    const dataSync = vi.spyOn(proto, 'dataSync');
    await fit(
      model,
      { x, y: targets },
      {
        epochs: 2,
        batchSize: 16,
        optimizer: new Adam(model.parameters(), { lr: 0.01 }),
        loss: 'crossEntropy',
        validationSplit: 0.25,
        verbose: false,
      },
    );
    await evaluateAsync(model, { x, y: targets }, { loss: 'crossEntropy', batchSize: 32 });
    expect(dataSync).not.toHaveBeenCalled();
  });

  it('fit gives the same history as the DataLoader path: shuffled order, partial batch, validation split', async () => {
    const { x, y } = blobs(90, 4, 0.9);
    const run = async (data: Dataset<Sample> | { x: Tensor; y: Tensor }) => {
      manualSeed(7);
      const model = mlp();
      return fit(model, data, {
        epochs: 3,
        batchSize: 16,
        optimizer: new Adam(model.parameters(), { lr: 0.02 }),
        loss: 'crossEntropy',
        metrics: ['accuracy'],
        validationSplit: 0.2,
        seed: 5,
        verbose: false,
      });
    };
    const device = await run({ x, y });
    const host = await run(new HostDataset(x, y));
    expect(device.loss).toEqual(host.loss);
    expect(device.accuracy).toEqual(host.accuracy);
    expect(device.valLoss).toEqual(host.valLoss);
    expect(device.valAccuracy).toEqual(host.valAccuracy);
  });

  it('batchesOf yields the DataLoader rows for a shuffled epoch of a row range', () => {
    const x = tensor(Array.from({ length: 10 }, (_, i) => [i, -i]).flat(), [10, 2]);
    const y = tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10], 'int32');
    const rows = new TensorRows(x, y, 3, 6);
    const options = { batchSize: 4, shuffle: true, seed: 11 };
    const onDevice = batchesOf(rows, options);
    const onHost = batchesOf(rows.dataset(), options);
    for (const epoch of [0, 1]) {
      onDevice.setEpoch(epoch);
      onHost.setEpoch(epoch);
      const a = [...onDevice].map((b) => [b.x.toArray(), b.y.toArray()]);
      const b = [...onHost].map((b) => [b.x.toArray(), b.y.toArray()]);
      expect(a).toEqual(b);
      expect(a.flatMap(([, labels]) => labels as number[]).sort()).toEqual([3, 4, 5, 6, 7, 8]);
    }
  });
});
