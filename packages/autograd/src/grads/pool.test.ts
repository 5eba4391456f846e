import { avgPool2d, avgPool2dBackward, maxPool2d } from '@nn/tensor';
import { describe, it } from 'vitest';
import { check, distinct, f64 } from '../test-utils';

describe('pooling gradients', () => {
  it('maxPool2d with non-overlapping windows', () => {
    check((x) => maxPool2d(x, { kernelSize: 2 }), [distinct([2, 2, 4, 6], 120)]);
  });
  it('maxPool2d with overlapping windows (stride < kernel) and padding', () => {
    check((x) => maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }), [distinct([2, 2, 5, 6], 121)]);
    check((x) => maxPool2d(x, { kernelSize: [3, 2], stride: 1 }), [distinct([1, 1, 5, 4], 122)]);
  });
  it('avgPool2d with overlapping windows and padding', () => {
    check((x) => avgPool2d(x, { kernelSize: 2 }), [f64([2, 2, 4, 4], 123)]);
    check((x) => avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }), [f64([2, 2, 5, 6], 124)]);
  });
  it('avgPool2dBackward (second derivatives of avgPool2d)', () => {
    const attrs = { kernelSize: [3, 3] as const, stride: [2, 2] as const, padding: [1, 1, 1, 1] as const };
    check((dy) => avgPool2dBackward(dy, { ...attrs, xShape: [1, 2, 5, 6] }), [f64([1, 2, 3, 3], 125)]);
  });
});
