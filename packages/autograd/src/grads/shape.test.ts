import {
  broadcastTo,
  concat,
  expandDims,
  flatten,
  pad,
  reshape,
  slice,
  squeeze,
  stack,
  tensor,
  transpose,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad } from '../grad';
import { check, f64 } from '../test-utils';

describe('shape gradients', () => {
  const x = f64([2, 3, 4], 60);
  it('reshape, flatten, squeeze, expandDims', () => {
    check((v) => reshape(v, [4, -1]), [x]);
    check((v) => flatten(v), [x]);
    check((v) => squeeze(v), [f64([1, 3, 1], 61)]);
    check((v) => expandDims(v, 1), [x]);
  });
  it('broadcastTo with new and size-1 axes', () => {
    check((v) => broadcastTo(v, [2, 5, 3]), [f64([5, 1], 62)]);
  });
  it('transpose with default and explicit permutations', () => {
    check((v) => transpose(v), [x]);
    check((v) => transpose(v, [1, 2, 0]), [x]);
  });
  it('slice and pad', () => {
    check((v) => slice(v, [0, 1, 1], [2, 2, -1]), [x]);
    check(
      (v) =>
        pad(v, [
          [1, 0],
          [0, 2],
          [2, 1],
        ]),
      [x],
    );
    check(
      (v) =>
        pad(
          v,
          [
            [0, 0],
            [1, 1],
            [0, 0],
          ],
          3,
        ),
      [x],
    );
  });
  it('concat of three inputs, and stack', () => {
    check((a, b, c) => concat([a, b, c], 1), [f64([2, 1, 4], 63), f64([2, 3, 4], 64), f64([2, 2, 4], 65)]);
    check((a, b) => concat([a, b], -1), [f64([3, 2], 66), f64([3, 1], 67)]);
    check((a, b) => stack([a, b], 1), [f64([3, 2], 68), f64([3, 2], 69)]);
  });
  it('concat of a tensor with itself accumulates both pieces', () => {
    const [g] = grad((v) =>
      concat([v, v], 0)
        .mul(tensor([1, 2, 3, 4]))
        .sum(),
    )(tensor([1, 1]));
    expect(g!.toArray()).toEqual([4, 6]);
  });
});
