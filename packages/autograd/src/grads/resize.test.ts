/**
 * interpolate and adaptiveAvgPool2d have no rules of their own (they are composed from gather, mul, add, matmul,
 * avgPool2d and mean), so these gradchecks cover the composition: every path, in float64.
 */
import { adaptiveAvgPool2d, interpolate } from '@nn/tensor';
import { describe, it } from 'vitest';
import { check, f64 } from '../test-utils';

describe('resize gradients', () => {
  it('interpolate nearest, up and down, by size and by a fractional scale factor', () => {
    check((x) => interpolate(x, { scaleFactor: 2 }), [f64([1, 2, 2, 3], 140)]);
    check((x) => interpolate(x, { size: [2, 5] }), [f64([2, 1, 5, 3], 141)]);
    check((x) => interpolate(x, { scaleFactor: [1.5, 0.5] }), [f64([1, 1, 3, 4], 142)]);
  });
  it('interpolate bilinear, alignCorners both ways, including size-1 images', () => {
    for (const alignCorners of [false, true]) {
      check((x) => interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners }), [f64([1, 2, 3, 2], 143)]);
      check((x) => interpolate(x, { size: [2, 1], mode: 'bilinear', alignCorners }), [f64([2, 1, 4, 3], 144)]);
      check((x) => interpolate(x, { size: 3, mode: 'bilinear', alignCorners }), [f64([1, 1, 1, 1], 145)]);
    }
  });
  it('adaptiveAvgPool2d: global, regular windows and overlapping windows', () => {
    check((x) => adaptiveAvgPool2d(x, 1), [f64([2, 2, 3, 4], 146)]);
    check((x) => adaptiveAvgPool2d(x, [2, 3]), [f64([1, 2, 4, 6], 147)]);
    check((x) => adaptiveAvgPool2d(x, [3, 2]), [f64([1, 2, 5, 5], 148)]);
    check((x) => adaptiveAvgPool2d(x, [4, 3]), [f64([1, 1, 2, 2], 149)]);
  });
});
