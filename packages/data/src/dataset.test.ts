import { IndexError, ShapeError, tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { type Dataset, type Sample, Subset, TensorDataset } from './dataset';

const xs = () =>
  tensor(
    Float32Array.from({ length: 12 }, (_, i) => i),
    [4, 3],
  );
const ys = () => tensor(Int32Array.from([10, 11, 12, 13]), [4], 'int32');

describe('TensorDataset', () => {
  it('get(i) returns row i of x and y', () => {
    const ds = new TensorDataset(xs(), ys());
    expect(ds.length).toBe(4);
    const { x, y } = ds.get(2);
    expect(x.shape).toEqual([3]);
    expect(Array.from(x.dataSync())).toEqual([6, 7, 8]);
    expect(y.shape).toEqual([]);
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([12]);
  });

  it('getBatch stacks rows in the requested order', () => {
    const { x, y } = new TensorDataset(xs(), ys()).getBatch([3, 0]);
    expect(x.shape).toEqual([2, 3]);
    expect(Array.from(x.dataSync())).toEqual([9, 10, 11, 0, 1, 2]);
    expect(Array.from(y.dataSync())).toEqual([13, 10]);
  });

  it('one tensor: y is x; three tensors: items(i) has all of them', () => {
    expect(Array.from(new TensorDataset(xs()).get(1).y.dataSync())).toEqual([3, 4, 5]);
    const ds = new TensorDataset(xs(), ys(), ys());
    expect(ds.items(0)).toHaveLength(3);
  });

  it('is unaffected by later disposal of the source tensors', () => {
    const x = xs();
    const ds = new TensorDataset(x, ys());
    x.dispose();
    expect(Array.from(ds.get(0).x.dataSync())).toEqual([0, 1, 2]);
  });

  it('rejects mismatched first dimensions, scalars, no tensors and bad indices', () => {
    expect(() => new TensorDataset(xs(), tensor(new Int32Array(3), [3], 'int32'))).toThrow(ShapeError);
    expect(() => new TensorDataset(xs(), tensor(new Float32Array(1), []))).toThrow(ShapeError);
    expect(() => new TensorDataset()).toThrow(ValueError);
    const ds = new TensorDataset(xs(), ys());
    expect(() => ds.get(4)).toThrow(IndexError);
    expect(() => ds.get(-1)).toThrow(IndexError);
    expect(() => ds.getBatch([0, 7])).toThrow(/index 7 out of range for length 4/);
  });
});

describe('Subset', () => {
  it('is a view in the given order, with the batch fast path', () => {
    const base = new TensorDataset(xs(), ys());
    const sub = new Subset(base, [3, 1]);
    expect(sub.length).toBe(2);
    expect(Array.from(sub.get(0).y.dataSync())).toEqual([13]);
    expect(Array.from(sub.getBatchHost([1, 0]).y.data)).toEqual([11, 13]);
    expect(sub.hasBatchPath).toBe(true);
    const nested = new Subset(sub, [1]);
    expect(Array.from(nested.getBatchHost([0]).y.data)).toEqual([11]);
    expect(() => new Subset(base, [4])).toThrow(IndexError);
    expect(() => sub.get(2)).toThrow(IndexError);
  });

  it('over a generic dataset has no batch path', () => {
    const generic: Dataset<Sample> = { length: 2, get: (i) => ({ x: tensor([i]), y: tensor([i]) }) };
    const sub = new Subset(generic, [1]);
    expect(sub.hasBatchPath).toBe(false);
    expect(() => sub.getBatchHost([0])).toThrow(ValueError);
  });
});
