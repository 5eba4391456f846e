import { max, mean, min, sum, tensor } from '@nn/tensor';
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
