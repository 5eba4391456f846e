import { memory, tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader } from './dataloader';
import { type Dataset, type Sample, TensorDataset } from './dataset';
import { normalize } from './transforms';

const N = 10;
const dataset = () =>
  new TensorDataset(
    tensor(
      Float32Array.from({ length: N * 2 }, (_, i) => i),
      [N, 2],
    ),
    tensor(
      Int32Array.from({ length: N }, (_, i) => i),
      [N],
      'int32',
    ),
  );
const labelsOf = (loader: DataLoader) => [...loader].map((b) => Array.from(b.y.dataSync()));

describe('DataLoader', () => {
  it('yields batches in order with a short last batch, and length counts them', () => {
    const loader = new DataLoader(dataset(), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.map((b) => b.x.shape)).toEqual([
      [4, 2],
      [4, 2],
      [2, 2],
    ]);
    expect(Array.from(batches[2]!.x.dataSync())).toEqual([16, 17, 18, 19]);
    expect(labelsOf(loader).flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('dropLast drops the short batch', () => {
    const loader = new DataLoader(dataset(), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect([...loader]).toHaveLength(2);
  });

  it('is async iterable', async () => {
    const seen: number[] = [];
    for await (const { y } of new DataLoader(dataset(), { batchSize: 3 })) seen.push(...y.dataSync());
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('seeded shuffle: a permutation, identical across runs, different per epoch and per seed', () => {
    const a = new DataLoader(dataset(), { batchSize: 4, shuffle: true, seed: 3 });
    const b = new DataLoader(dataset(), { batchSize: 4, shuffle: true, seed: 3 });
    const epoch0 = labelsOf(a).flat();
    expect([...epoch0].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epoch0).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(labelsOf(b).flat()).toEqual(epoch0);
    const epoch1 = labelsOf(a).flat();
    expect(epoch1).not.toEqual(epoch0);
    expect(labelsOf(new DataLoader(dataset(), { batchSize: 4, shuffle: true, seed: 4 })).flat()).not.toEqual(epoch0);
    b.setEpoch(1);
    expect(labelsOf(b).flat()).toEqual(epoch1);
    // x rows stay with their labels
    for (const { x, y } of new DataLoader(dataset(), { batchSize: 3, shuffle: true })) {
      const xd = x.dataSync();
      Array.from(y.dataSync()).forEach((label, k) => {
        expect(xd[2 * k]).toBe(2 * label);
      });
    }
  });

  it('collates generic datasets and applies function transforms', () => {
    const generic: Dataset<Sample> = {
      length: 5,
      get: (i) => ({ x: tensor(Float32Array.from([i, -i]), [2]), y: tensor(Int32Array.from([i % 2]), [], 'int32') }),
    };
    const loader = new DataLoader(generic, {
      batchSize: 2,
      transform: ({ x, y }) => ({
        x,
        y: tensor(
          Int32Array.from(y.dataSync(), (v) => v + 100),
          [...y.shape],
          'int32',
        ),
      }),
    });
    const batches = [...loader];
    expect(batches[1]!.x.shape).toEqual([2, 2]);
    expect(Array.from(batches[1]!.x.dataSync())).toEqual([2, -2, 3, -3]);
    expect(Array.from(batches[2]!.y.dataSync())).toEqual([100]);
  });

  it('rejects a bad batchSize', () => {
    expect(() => new DataLoader(dataset(), { batchSize: 0 })).toThrow(ValueError);
    expect(() => new DataLoader(dataset(), { batchSize: 1.5 })).toThrow(ValueError);
  });
});

describe('DataLoader over a one-tensor dataset (autoencoder style)', () => {
  const images = () =>
    tensor(
      Float32Array.from({ length: 12 }, (_, i) => i),
      [6, 2],
    );

  it('each batch is one tensor: y is x, so disposing x frees the batch', () => {
    const before = memory().numTensors;
    for (const { x, y } of new DataLoader(new TensorDataset(images()), { batchSize: 4 })) {
      expect(y).toBe(x);
      x.dispose();
    }
    expect(memory().numTensors - before).toBe(1); // the source tensor only
  });

  it('a host transform changes x only: y stays the untransformed batch', () => {
    const loader = new DataLoader(new TensorDataset(images()), { batchSize: 6, transform: normalize(1, 2) });
    const [batch] = [...loader];
    expect(Array.from(batch!.x.dataSync().slice(0, 3))).toEqual([-0.5, 0, 0.5]);
    expect(Array.from(batch!.y.dataSync().slice(0, 3))).toEqual([0, 1, 2]);
  });
});
