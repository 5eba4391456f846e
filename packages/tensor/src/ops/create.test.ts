/** Creation ops and reading values back, per API.md. */
import {
  arange,
  eye,
  full,
  manualSeed,
  NNError,
  ones,
  rand,
  randn,
  scalar,
  Tensor,
  tensor,
  ValueError,
  zeros,
} from '@nn/tensor';
import { randnValues, randValues } from '@nn/tensor/testing';
import { describe, expect, it } from 'vitest';

describe('tensor()', () => {
  it('infers shape and float32 from nested arrays', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(a).toBeInstanceOf(Tensor);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('float32');
    expect(a.rank).toBe(2);
    expect(a.size).toBe(6);
    expect(a.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('takes an explicit dtype and shape', () => {
    const i = tensor([0, 2], undefined, 'int32');
    expect(i.dtype).toBe('int32');
    expect(i.dataSync()).toBeInstanceOf(Int32Array);
    const b = tensor(new Float32Array(6), [3, 2]);
    expect(b.shape).toEqual([3, 2]);
    expect(b.dtype).toBe('float32');
    expect(tensor([1, 2, 3, 4], [2, 2]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('infers the dtype of a typed array', () => {
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tensor(new Float64Array([1, 2])).dtype).toBe('float64');
  });

  it('copies its input: mutating the source array later changes nothing', () => {
    const source = new Float32Array([1, 2]);
    const t = tensor(source);
    source[0] = 99;
    expect(t.dataSync()[0]).toBe(1);
  });

  it('makes scalars, empty tensors and booleans', () => {
    const s = tensor(3);
    expect(s.shape).toEqual([]);
    expect(s.rank).toBe(0);
    expect(s.size).toBe(1);
    expect(s.toArray()).toBe(3);
    expect(scalar(2, 'int32').dtype).toBe('int32');
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([true, false]).toArray()).toEqual([1, 0]);
  });

  it('stores float64 exactly', () => {
    const t = tensor([0.1, 1 + 2 ** -40], undefined, 'float64');
    expect(Array.from(t.dataSync())).toEqual([0.1, 1 + 2 ** -40]);
  });
});

describe('zeros / ones / full / eye / arange', () => {
  it('fill with the value and dtype asked for', () => {
    expect(zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones([3], 'int32').dataSync()).toEqual(new Int32Array([1, 1, 1]));
    expect(full([2], 7.5).toArray()).toEqual([7.5, 7.5]);
    expect(full([1], 1, 'float64').dtype).toBe('float64');
    expect(zeros([0, 3]).size).toBe(0);
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('arange: int32 for integers, float32 otherwise, empty for an empty range', () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(4).dtype).toBe('int32');
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(1, 2, 0.25).dtype).toBe('float32');
    expect(arange(5, 1, -2).toArray()).toEqual([5, 3]);
    expect(arange(3, 1).shape).toEqual([0]);
  });
});

describe('reading values', () => {
  it('data() and dataSync() return flat copies', async () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    const copy = t.dataSync();
    expect(copy).toEqual(new Float32Array([1, 2, 3, 4]));
    copy[0] = 100;
    expect(t.dataSync()[0]).toBe(1);
    const asyncCopy = await t.data();
    expect(asyncCopy).toEqual(new Float32Array([1, 2, 3, 4]));
    asyncCopy[1] = 100;
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('item() reads a one-element tensor of any rank, and only those', () => {
    expect(tensor(5).item()).toBe(5);
    expect(tensor([[7]]).item()).toBe(7);
    expect(() => tensor([1, 2]).item()).toThrow(ValueError);
  });

  it('toArray() of an empty tensor keeps its nesting', () => {
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
  });

  it('reading a disposed tensor is an NNError naming the read', async () => {
    const t = tensor([1]);
    t.dispose();
    expect(() => t.dataSync()).toThrow(/dataSync: tensor \d+ \(shape \[1\]\) was disposed/);
    await expect(t.data()).rejects.toThrow(NNError);
  });
});

describe('seeded random numbers', () => {
  it('randn and rand with a seed are identical on every call', () => {
    expect(randn([2, 3], { seed: 42 }).dataSync()).toEqual(randn([2, 3], { seed: 42 }).dataSync());
    expect(rand([4], { seed: 1 }).dataSync()).toEqual(rand([4], { seed: 1 }).dataSync());
    expect(randn([8], { seed: 1 }).dataSync()).not.toEqual(randn([8], { seed: 2 }).dataSync());
  });

  it('match the backend-free reference sequence the conformance suite uses', () => {
    expect(Array.from(randn([5, 7], { seed: 3 }).dataSync())).toEqual(randnValues([5, 7], 3).values);
    expect(Array.from(rand([9], { seed: 4, low: -2, high: 2 }).dataSync())).toEqual(randValues([9], 4, -2, 2).values);
  });

  it('manualSeed makes unseeded calls reproducible', () => {
    manualSeed(7);
    const first = randn([6]).dataSync();
    manualSeed(7);
    expect(randn([6]).dataSync()).toEqual(first);
  });

  it('rand stays in [low, high), randn has about the asked mean and std', () => {
    const u = rand([10000], { seed: 5, low: 2, high: 3 }).dataSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...u)).toBeLessThan(3);
    const n = Array.from(randn([20000], { seed: 6, mean: 1, std: 2 }).dataSync());
    const mean = n.reduce((a, b) => a + b, 0) / n.length;
    const std = Math.sqrt(n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length);
    expect(mean).toBeCloseTo(1, 1);
    expect(std).toBeCloseTo(2, 1);
  });

  it('float64 random tensors', () => {
    expect(randn([2], { seed: 1, dtype: 'float64' }).dtype).toBe('float64');
  });
});
