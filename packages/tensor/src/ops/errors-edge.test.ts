/**
 * Bad-input paths at the edges of the ops layer: errors thrown from a helper must still name the op the
 * user called, every NNError must be an NNError (not a RangeError), and a throwing op must not leak.
 */
import {
  DTypeError,
  gather,
  IndexError,
  matmul,
  memory,
  oneHot,
  ones,
  ShapeError,
  scatterAdd,
  slice,
  stack,
  tensor,
  tidy,
  ValueError,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectNNError, int } from './bad-input.test-util';

describe('bad input: errors name the op the user called', () => {
  it('stack of mixed dtypes is a DTypeError naming stack', () => {
    expectNNError(() => stack([ones([2]), int([1, 2])]), DTypeError, 'stack', ['float32', 'int32']);
  });

  it('gather with non-integer index numbers is a DTypeError naming gather', () => {
    expectNNError(() => gather(ones([3]), [0.5]), DTypeError, 'gather', ['0.5']);
  });

  it('oneHot with non-integer index numbers is a DTypeError naming oneHot', () => {
    expectNNError(() => oneHot([1.5], 3), DTypeError, 'oneHot', ['1.5']);
  });

  it('matmul with unbroadcastable batch dims shows both operand shapes', () => {
    expectNNError(() => matmul(ones([2, 2, 3]), ones([3, 3, 4])), ShapeError, 'matmul', ['[2,2,3]', '[3,3,4]']);
  });
});

describe('bad input: sizes are ValueErrors, indices are IndexErrors', () => {
  it('slice with a non-integer size is a ValueError', () => {
    expectNNError(() => slice(ones([2, 3]), [0, 0], [1.5, 1]), ValueError, 'slice', ['1.5', '[2,3]']);
  });

  it('slice with a negative size other than -1 is a ValueError', () => {
    expectNNError(() => slice(ones([2, 3]), [0, 0], [-2, 1]), ValueError, 'slice', ['-2', '[2,3]']);
  });
});

describe('bad input: scatterAdd validates like gather', () => {
  it('rejects an axis out of range', () => {
    expectNNError(() => scatterAdd(ones([1, 2]), int([0]), 5, 4), ValueError, 'scatterAdd', ['axis 5']);
  });

  it('rejects updates whose shape does not match the indices', () => {
    expectNNError(() => scatterAdd(ones([1, 2]), int([0, 1, 1]), 0, 4), ShapeError, 'scatterAdd', ['[1,2]', '[3]']);
  });

  it('rejects a non-integer size', () => {
    expectNNError(() => scatterAdd(ones([1, 2]), int([0]), 0, 1.5), ValueError, 'scatterAdd', ['1.5']);
  });

  it('normalises a negative axis', () => {
    const out = scatterAdd(tensor([[1, 2, 3]]), int([1, 1, 0]), -1, 3);
    expect(out.toArray()).toEqual([[3, 3, 0]]);
  });
});

describe('bad input: a throwing op leaks nothing', () => {
  it('gather with out-of-range index numbers frees its temporary indices', () => {
    const x = ones([2]);
    const before = memory().numTensors;
    expect(() => gather(x, [5])).toThrow(IndexError);
    expect(memory().numTensors - before).toBe(0);
    x.dispose();
  });

  it('oneHot with out-of-range index numbers frees its temporary indices', () => {
    const before = memory().numTensors;
    expect(() => oneHot([5], 3)).toThrow(IndexError);
    expect(memory().numTensors - before).toBe(0);
  });

  it('tidy of an async function frees what it made before throwing', () => {
    const before = memory().numTensors;
    expect(() =>
      tidy(() => {
        ones([2]);
        return Promise.resolve(1);
      }),
    ).toThrow(/tidy: the function returned a Promise/);
    expect(memory().numTensors - before).toBe(0);
  });
});
