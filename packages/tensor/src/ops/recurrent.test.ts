import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError } from '../errors';
import { tensor, zeros } from './create';
import { lstmCell } from './recurrent';

describe('lstmCell', () => {
  it("returns [2, N, H]: h' then c' (the README's example, and known values)", () => {
    expect(lstmCell(zeros([3, 8]), zeros([3, 2])).shape).toEqual([2, 3, 2]);
    // i = f = o = sigmoid(0) = 0.5, g = tanh(0) = 0: c' = 0.5 * c, h' = 0.5 * tanh(c').
    const out = lstmCell(zeros([1, 4]), tensor([[2]])).dataSync();
    expect(out[1]).toBeCloseTo(1, 6);
    expect(out[0]).toBeCloseTo(0.5 * Math.tanh(1), 6);
  });

  it('names the op and the shapes or dtypes that do not fit', () => {
    expect(() => lstmCell(zeros([3, 7]), zeros([3, 2]))).toThrow(ShapeError);
    expect(() => lstmCell(zeros([3, 7]), zeros([3, 2]))).toThrow(
      'lstmCell: expected gates [N, 4H] and c [N, H], got [3,7] and [3,2]',
    );
    expect(() => lstmCell(zeros([2, 8]), zeros([3, 2]))).toThrow(ShapeError);
    expect(() => lstmCell(zeros([2, 8]), zeros([2, 2], 'float64'))).toThrow(DTypeError);
    expect(() => lstmCell(zeros([2, 8], 'int32'), zeros([2, 2], 'int32'))).toThrow(
      'lstmCell: gates and c need one float dtype, got int32 and int32',
    );
  });
});
