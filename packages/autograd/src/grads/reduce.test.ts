import { cumsum, logsumexp, max, mean, min, std, sum, tensor, variance } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad } from '../grad';
import { check, distinct, f64 } from '../test-utils';

describe('reduction gradients', () => {
  const x = f64([2, 3, 4], 40);
  it('sum over all axes, some axes, negative axes, with keepDims', () => {
    check((v) => sum(v), [x]);
    check((v) => sum(v, 1), [x]);
    check((v) => sum(v, [0, 2], true), [x]);
    check((v) => sum(v, -1), [f64([3, 1], 41)]);
  });
  it('mean', () => {
    check((v) => mean(v), [x]);
    check((v) => mean(v, [1, 2], true), [x]);
  });
  it('max and min over axes (no ties)', () => {
    const d = distinct([2, 3, 4], 42);
    check((v) => max(v), [d]);
    check((v) => max(v, 1), [d]);
    check((v) => min(v, [0, 2], true), [d]);
    check((v) => min(v, -1), [d]);
  });
  it('max splits the gradient evenly among ties', () => {
    const [g] = grad((v) => max(v, 1).sum())(
      tensor([
        [1, 3, 3],
        [2, 0, 1],
      ]),
    );
    expect(g!.toArray()).toEqual([
      [0, 0.5, 0.5],
      [1, 0, 0],
    ]);
  });
});

describe('logsumexp, variance, std, cumsum gradients', () => {
  const x = f64([2, 3, 4], 44);
  it('logsumexp over one axis, several, all; keepDims; size-1 axes; far-out values', () => {
    check((v) => logsumexp(v, 1), [x]);
    check((v) => logsumexp(v, [0, 2], true), [x]);
    check((v) => logsumexp(v), [x]);
    check((v) => logsumexp(v, -1), [f64([3, 1], 45)]);
    check((v) => logsumexp(v.mul(300), 0), [f64([4], 46)]);
    // The gradient is softmax, also where the max is tied.
    const [g] = grad((v) => logsumexp(v, 0))(tensor([2, 2]));
    expect(g!.toArray()).toEqual([0.5, 0.5]);
  });
  it('variance and std: default, correction 0 and 2, axes, keepDims, size-1 axes', () => {
    check((v) => variance(v), [x]);
    check((v) => variance(v, 1, { correction: 0 }), [x]);
    check((v) => variance(v, [0, 2], { keepDims: true, correction: 2 }), [x]);
    check((v) => std(v, -1), [x]);
    check((v) => std(v, 0, { keepDims: true }), [f64([3, 1], 47)]);
    check((v) => v.var(1).add(v.std(1)), [f64([2, 2], 48)]);
  });
  it('cumsum along each axis, reversed, size-1 axes', () => {
    for (const axis of [0, 1, 2, -1]) check((v) => cumsum(v, axis), [x]);
    check((v) => cumsum(v, 1, { reverse: true }), [x]);
    check((v) => cumsum(v, 0), [f64([1, 3], 49)]);
    const [g] = grad((v) => cumsum(v, 0).sum())(tensor([1, 2, 3]));
    expect(g!.toArray()).toEqual([3, 2, 1]);
  });
});
