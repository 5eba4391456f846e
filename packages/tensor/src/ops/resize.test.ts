import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { arange, ones, randn, zeros } from './create';
import { adaptiveAvgPool2d, interpolate } from './resize';

const values = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('interpolate and adaptiveAvgPool2d: shapes and argument errors', () => {
  it('gives the README examples their shapes', () => {
    expect(interpolate(randn([1, 3, 4, 4]), { scaleFactor: 2, mode: 'bilinear', alignCorners: false }).shape).toEqual([
      1, 3, 8, 8,
    ]);
    expect(adaptiveAvgPool2d(randn([1, 3, 7, 5]), [2, 3]).shape).toEqual([1, 3, 2, 3]);
    expect(adaptiveAvgPool2d(randn([1, 3, 7, 5]), 1).shape).toEqual([1, 3, 1, 1]);
  });

  it('nearest samples at dst / scaleFactor when given one, at dst * in / out for a size (as PyTorch)', () => {
    const x = arange(0, 5).reshape([1, 1, 1, 5]);
    // 5 * 1.7 -> 8 outputs: output 5 reads floor(5 / 1.7) = 2, where 5 * 5 / 8 = 3.125 reads 3 (PyTorch's values).
    expect(values(interpolate(x, { scaleFactor: [1, 1.7] }))).toEqual([0, 0, 1, 1, 2, 2, 3, 4]);
    expect(values(interpolate(x, { size: [1, 8] }))).toEqual([0, 0, 1, 1, 2, 3, 3, 4]);
  });

  it('handles an empty batch', () => {
    expect(interpolate(zeros([0, 2, 3, 3]), { size: 5, mode: 'bilinear' }).shape).toEqual([0, 2, 5, 5]);
    expect(adaptiveAvgPool2d(zeros([0, 2, 5, 5]), 3).shape).toEqual([0, 2, 3, 3]);
  });

  it('refuses bad arguments, naming the op', () => {
    const x = ones([1, 1, 4, 4]);
    expect(() => interpolate(x, {})).toThrow(/exactly one of size and scaleFactor/);
    expect(() => interpolate(x, { size: 2, scaleFactor: 2 })).toThrow(ValueError);
    expect(() => interpolate(x, { size: 2, alignCorners: true })).toThrow(
      /alignCorners only applies to mode 'bilinear'/,
    );
    expect(() => interpolate(x, { size: 2, mode: 'bicubic' as never })).toThrow(/mode must be 'nearest' or 'bilinear'/);
    expect(() => interpolate(x, { scaleFactor: 0.1 })).toThrow(/leaves no output/);
    expect(() => interpolate(x, { scaleFactor: -1 })).toThrow(/scaleFactor must be a positive number/);
    expect(() => interpolate(x, { sizes: 2 } as never)).toThrow(/did you mean 'size'/);
    expect(() => interpolate(ones([1, 4, 4]), { size: 2 })).toThrow(ShapeError);
    expect(() => interpolate(ones([1, 1, 2, 2], 'int32'), { size: 3, mode: 'bilinear' })).toThrow(DTypeError);
    expect(() => interpolate(ones([1, 1, 0, 2]), { size: 3 })).toThrow(/cannot resize an empty image/);
    expect(() => adaptiveAvgPool2d(x, 0)).toThrow(ValueError);
    expect(() => adaptiveAvgPool2d(ones([1, 1, 2, 2], 'int32'), 1)).toThrow(DTypeError);
    expect(() => adaptiveAvgPool2d(ones([4, 4]), 1)).toThrow(/adaptiveAvgPool2d: input must be NCHW/);
  });
});
