/**
 * Reductions over a 0-d tensor. PyTorch 1.13 treats a scalar as one axis of size 1 for dim arguments
 * (`maybe_wrap_dim(..., wrap_scalar=true)`): dim 0 and -1 are accepted, 1 and -2 are out of range, the result
 * stays 0-d even with keepdim, and `[0, -1]` is a repeated dim. Checked against torch 1.13:
 *   torch.tensor(3.).sum(-1) -> tensor(3.)      torch.tensor(3.).amax(0, keepdim=True) -> tensor(3.)
 *   torch.tensor(3.).argmax(-1) -> tensor(0)    torch.softmax(torch.tensor(3.), -1) -> tensor(1.)
 *   torch.tensor(3.).sum(1) -> IndexError       torch.tensor(3.).sum([0, -1]) -> "dim 0 appears multiple times"
 */
import {
  argmax,
  cumsum,
  DTypeError,
  logSoftmax,
  logsumexp,
  max,
  mean,
  memory,
  min,
  softmax,
  std,
  sum,
  tensor,
  tidy,
  ValueError,
  variance,
  zeros,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectNNError } from './bad-input.test-util';

const reductions = { sum, mean, max, min };
const scalarAxes = [0, -1, [0], [-1]] as const;

describe('reductions of a 0-d tensor take axis 0 or -1, like PyTorch', () => {
  for (const [name, reduce] of Object.entries(reductions)) {
    for (const axis of scalarAxes) {
      for (const keepDims of [false, true]) {
        it(`${name}(scalar, ${JSON.stringify(axis)}, keepDims=${keepDims}) is the scalar itself`, () => {
          const x = tensor(3);
          const y = reduce(x, axis, keepDims);
          expect(y.shape).toEqual([]);
          expect(y.dtype).toBe('float32');
          expect(y.item()).toBe(3);
          x.dispose();
          y.dispose();
        });
      }
    }
  }

  it('keeps the dtype: int32 sum/max/min, float64 mean', () => {
    const i = tensor(7, undefined, 'int32');
    for (const y of [sum(i, -1), max(i, 0), min(i, [-1])]) {
      expect([y.dtype, y.shape, y.item()]).toEqual(['int32', [], 7]);
    }
    const f = tensor(2.5, undefined, 'float64');
    const m = mean(f, -1, true);
    expect([m.dtype, m.shape, m.item()]).toEqual(['float64', [], 2.5]);
  });

  it('argmax(scalar, 0 | -1) is int32 0, 0-d, and leaves nothing behind', () => {
    const x = tensor(-4);
    const before = memory();
    for (const axis of [0, -1]) {
      const y = argmax(x, axis);
      expect([y.dtype, y.shape, y.item()]).toEqual(['int32', [], 0]);
      y.dispose();
    }
    expect(memory()).toEqual(before);
    x.dispose();
  });

  it('softmax and logSoftmax of a scalar (default axis -1) are 1 and 0', () => {
    tidy(() => {
      const x = tensor(3);
      for (const axis of [undefined, 0, -1]) {
        expect(softmax(x, axis).shape).toEqual([]);
        expect(softmax(x, axis).item()).toBeCloseTo(1, 6);
        expect(logSoftmax(x, axis).item()).toBeCloseTo(0, 6);
      }
    });
  });

  it('rejects other axes on a 0-d tensor, and axis 0 and -1 together (the same axis)', () => {
    const x = tensor(3);
    for (const [name, reduce] of Object.entries(reductions)) {
      expectNNError(() => reduce(x, 1), ValueError, name, ['axis 1', 'rank 0']);
      expectNNError(() => reduce(x, -2), ValueError, name, ['axis -2', 'rank 0']);
      expectNNError(() => reduce(x, 0.5), ValueError, name, ['axis 0.5']);
      expectNNError(() => reduce(x, [0, -1]), ValueError, name, ['repeated axis', '[0,-1]']);
    }
    expectNNError(() => argmax(x, 1), ValueError, 'argmax', ['axis 1', 'rank 0']);
    expectNNError(() => softmax(x, -2), ValueError, 'softmax', ['axis -2', 'rank 0']);
    expectNNError(() => logSoftmax(x, 1), ValueError, 'logSoftmax', ['axis 1', 'rank 0']);
  });

  it('leaves reductions of tensors with axes as they were', () => {
    const x = tensor([
      [1, 5],
      [3, 2],
    ]);
    expect(sum(x, -1).toArray()).toEqual([6, 5]);
    expect(max(x, 0, true).toArray()).toEqual([[3, 5]]);
    expect(argmax(x, -1).toArray()).toEqual([1, 0]);
    expect(() => sum(tensor([1, 2]), -2)).toThrow(ValueError);
  });
});

describe('logsumexp, variance, std, cumsum', () => {
  const x = () =>
    tensor([
      [1, 2, 3, 4],
      [-1000, -1000, 0, 1000],
    ]);
  it('logsumexp is stable far out, keeps dims on request, and is -Infinity over an empty axis', () => {
    const y = logsumexp(x(), 1);
    expect(y.dataSync()[0]).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4)), 5);
    expect(y.dataSync()[1]).toBe(1000);
    expect(x().logsumexp(0, true).shape).toEqual([1, 4]);
    expect(logsumexp(tensor([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]), 0).item()).toBe(
      Number.NEGATIVE_INFINITY,
    );
    expect(logsumexp(tensor([Number.POSITIVE_INFINITY, 0]), 0).item()).toBe(Number.POSITIVE_INFINITY);
    expect(logsumexp(zeros([2, 0]), 1).toArray()).toEqual([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(() => logsumexp(tensor([1], undefined, 'int32'), 0)).toThrow(DTypeError);
  });
  it('variance and std: unbiased by default, correction 0, axes, keepDims, the methods', () => {
    const v = tensor([1, 2, 3, 4]);
    expect(variance(v).item()).toBeCloseTo(5 / 3, 6);
    expect(v.var(0, { correction: 0 }).item()).toBeCloseTo(1.25, 6);
    expect(std(v).item()).toBeCloseTo(Math.sqrt(5 / 3), 6);
    expect(x().std(1, { keepDims: true }).shape).toEqual([2, 1]);
    expect(variance(tensor([[1, 3]]), [0, 1]).item()).toBe(2);
    // One value, correction 1: 0 / 0, as PyTorch.
    expect(variance(tensor([5])).item()).toBeNaN();
    expect(variance(tensor([1, 2], undefined, 'int32')).dtype).toBe('float32');
    expect(() => variance(v, 0, { unbiased: false } as never)).toThrow(/unknown option 'unbiased'/);
  });
  it('cumsum along an axis, reversed, int32 kept, 0-d', () => {
    expect(cumsum(x(), 1).toArray()).toEqual([
      [1, 3, 6, 10],
      [-1000, -2000, -2000, -1000],
    ]);
    expect(x().cumsum(0, { reverse: true }).slice([0, 0], [1, 2]).toArray()).toEqual([[-999, -998]]);
    const i = cumsum(tensor([2 ** 31 - 1, 1], undefined, 'int32'), 0);
    expect([i.dtype, ...i.dataSync()]).toEqual(['int32', 2 ** 31 - 1, -(2 ** 31)]);
    expect(cumsum(tensor(3), -1).item()).toBe(3);
    expect(() => cumsum(x(), 2)).toThrow(ValueError);
  });
});
