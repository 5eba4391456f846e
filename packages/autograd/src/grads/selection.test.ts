import { argsort, maskedFill, slice, sort, tensor, topk, tril, triu } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad } from '../grad';
import { check, distinct, f64 } from '../test-utils';

describe('selection gradients', () => {
  const d = distinct([3, 5], 50);
  it('sort values: each value gets the gradient of its sorted position, any axis, both directions', () => {
    check((v) => sort(v).values, [d]);
    check((v) => sort(v, { axis: 0, descending: true }).values, [d]);
    check((v) => sort(v).values, [distinct([1, 1], 51)]);
  });
  it('topk values: the picked entries get their gradient, the others zero', () => {
    check((v) => topk(v, 2).values, [d]);
    check((v) => topk(v, 1, { axis: 0, largest: false }).values, [d]);
    check((v) => topk(v, 5).values, [distinct([2, 5], 52)]);
    const [g] = grad((v) =>
      topk(v, 2)
        .values.mul(tensor([10, 1]))
        .sum(),
    )(tensor([3, 1, 2]));
    expect(g!.toArray()).toEqual([10, 0, 1]);
  });
  it('indices are constants: argsort and topk indices carry no gradient', () => {
    const [g] = grad((v) => argsort(v).cast('float32').sum().add(v.sum()))(tensor([2, 1]));
    expect(g!.toArray()).toEqual([1, 1]);
  });
  it('tril, triu: the gradient of the kept triangle, batched', () => {
    const x = f64([2, 3, 4], 53);
    check((v) => tril(v), [x]);
    check((v) => triu(v, 1), [x]);
    check((v) => tril(v, -1), [f64([4, 1], 54)]);
  });
  it('maskedFill: zero where filled, dy elsewhere; a 0-d tensor value gets the sum over the filled entries', () => {
    const mask = tensor([[1, 0, 0, 1]]);
    check((v) => maskedFill(v, mask, 5), [f64([3, 4], 55)]);
    check((v, w) => maskedFill(v, mask, w), [f64([3, 4], 56), f64([], 57)]);
    const [gx, gv] = grad((v, w) => maskedFill(v, mask, w).sum())(tensor([[1, 2, 3, 4]]), tensor(0));
    expect(gx!.toArray()).toEqual([[0, 1, 1, 0]]);
    expect(gv!.item()).toBe(2);
  });
  it('slice with a negative begin', () => {
    check((v) => slice(v, [-1, -3], [1, 2]), [f64([3, 4], 58)]);
  });
});
