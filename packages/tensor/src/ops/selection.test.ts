/** sort, argsort, topk, tril, triu, maskedFill, negative slice begins: shapes, axes, options and errors. */
import {
  argsort,
  DTypeError,
  IndexError,
  maskedFill,
  memory,
  ones,
  ShapeError,
  slice,
  sort,
  type Tensor,
  tensor,
  topk,
  tril,
  triu,
  ValueError,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectNNError } from './bad-input.test-util';

const m = (): Tensor =>
  tensor([
    [3, 1, 2],
    [0, 5, 5],
  ]);

describe('sort, argsort, topk', () => {
  it('sort along the last axis by default, stable on ties, indices int32', () => {
    const { values, indices } = sort(m());
    expect(values.toArray()).toEqual([
      [1, 2, 3],
      [0, 5, 5],
    ]);
    expect(indices.dtype).toBe('int32');
    expect(indices.toArray()).toEqual([
      [1, 2, 0],
      [0, 1, 2],
    ]);
    expect(sort(m(), { descending: true }).indices.toArray()).toEqual([
      [0, 2, 1],
      [1, 2, 0],
    ]);
  });
  it('along another axis, as the method and argsort', () => {
    expect(m().sort({ axis: 0 }).values.toArray()).toEqual([
      [0, 1, 2],
      [3, 5, 5],
    ]);
    expect(argsort(m(), { axis: -2, descending: true }).toArray()).toEqual([
      [0, 1, 1],
      [1, 0, 0],
    ]);
    expect(m().argsort().toArray()).toEqual(argsort(m()).toArray());
  });
  it('topk: k largest or smallest, along an axis; k = 0 gives an empty axis', () => {
    const { values, indices } = topk(m(), 2);
    expect(values.toArray()).toEqual([
      [3, 2],
      [5, 5],
    ]);
    expect(indices.toArray()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(m().topk(1, { axis: 0, largest: false }).values.toArray()).toEqual([[0, 1, 2]]);
    expect(topk(m(), 0).values.shape).toEqual([2, 0]);
  });
  it('a 0-d tensor is one value along axis 0 or -1', () => {
    const { values, indices } = sort(tensor(4));
    expect([values.shape, values.item(), indices.item()]).toEqual([[], 4, 0]);
    expect(topk(tensor(4), 1).values.item()).toBe(4);
  });
  it('leaks nothing', () => {
    const x = m();
    const before = memory().numTensors;
    const r = topk(x, 2, { axis: 0 });
    expect(memory().numTensors).toBe(before + 2);
    r.values.dispose();
    r.indices.dispose();
  });
  it('refuses a k out of range, a bad axis and unknown options', () => {
    expectNNError(() => topk(m(), 4), ValueError, 'topk', ['4', '[2,3]']);
    expectNNError(() => topk(m(), 1.5), ValueError, 'topk', ['1.5']);
    expectNNError(() => sort(m(), { axis: 2 }), ValueError, 'sort', ['2']);
    expect(() => sort(m(), { descendng: true } as never)).toThrow(/did you mean 'descending'/);
    expect(() => topk(m(), 1, { largest: 'yes' } as never)).toThrow(ValueError);
  });
});

describe('tril, triu, maskedFill', () => {
  const sq = () =>
    tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  it('tril and triu with k', () => {
    expect(tril(sq()).toArray()).toEqual([
      [1, 0, 0],
      [4, 5, 0],
    ]);
    expect(sq().triu(1).toArray()).toEqual([
      [0, 2, 3],
      [0, 0, 6],
    ]);
    expect(tril(sq(), -1).toArray()).toEqual([
      [0, 0, 0],
      [4, 0, 0],
    ]);
    expect(triu(sq(), -5).toArray()).toEqual(sq().toArray());
  });
  it('batched over leading axes, int32 kept', () => {
    const x = ones([2, 2, 2], 'int32');
    const y = tril(x);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([
      [
        [1, 0],
        [1, 1],
      ],
      [
        [1, 0],
        [1, 1],
      ],
    ]);
  });
  it('maskedFill with a broadcast mask, a number or a 0-d tensor', () => {
    const mask = tensor([[1, 0, 1]], undefined, 'int32');
    expect(maskedFill(sq(), mask, -1).toArray()).toEqual([
      [-1, 2, -1],
      [-1, 5, -1],
    ]);
    expect(
      sq()
        .maskedFill(tensor([0, 1, 0]), tensor(9))
        .toArray(),
    ).toEqual([
      [1, 9, 3],
      [4, 9, 6],
    ]);
  });
  it('errors', () => {
    expectNNError(() => tril(tensor([1, 2])), ShapeError, 'tril', ['[2]']);
    expectNNError(() => triu(sq(), 0.5), ValueError, 'triu', ['0.5']);
    expectNNError(() => maskedFill(tensor([1, 2]), ones([2, 2]), 0), ShapeError, 'maskedFill', ['[2,2]', '[2]']);
    expectNNError(() => maskedFill(sq(), ones([3]), tensor([1, 2])), ShapeError, 'maskedFill', ['[2]']);
    expectNNError(() => maskedFill(sq(), ones([3]), tensor(1, undefined, 'int32')), DTypeError, 'maskedFill', [
      'int32',
      'float32',
    ]);
  });
});

describe('slice with a negative begin', () => {
  it('counts from the end of the axis', () => {
    expect(slice(sqr(), [0, -2]).toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(sqr().slice([-1, -3], [1, 2]).toArray()).toEqual([[4, 5]]);
    expect(slice(sqr(), [-2, 0], [-1, 1]).toArray()).toEqual([[1], [4]]);
  });
  it('still refuses a begin before the start', () => {
    expectNNError(() => slice(sqr(), [-3, 0]), IndexError, 'slice', ['-3', '[2,3]']);
  });
});

function sqr(): Tensor {
  return tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
}
