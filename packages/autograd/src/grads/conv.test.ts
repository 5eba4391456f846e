import { conv1d, conv2d, conv2dBackpropFilter, conv2dBackpropInput, convTranspose2d } from '@nn/tensor';
import { describe, it } from 'vitest';
import { check, f64 } from '../test-utils';

describe('conv2d gradients', () => {
  it('stride 1, no padding', () => {
    check((x, w) => conv2d(x, w), [f64([2, 2, 5, 5], 100), f64([3, 2, 3, 3], 101)]);
  });
  it('stride 2 with padding, non-square kernel', () => {
    check((x, w) => conv2d(x, w, { stride: 2, padding: 1 }), [f64([1, 2, 6, 5], 102), f64([2, 2, 3, 2], 103)]);
    check(
      (x, w) => conv2d(x, w, { stride: [1, 2], padding: [2, 0] }),
      [f64([2, 1, 4, 5], 104), f64([2, 1, 3, 3], 105)],
    );
  });
  it("'same' padding, asymmetric (even kernel, stride 2)", () => {
    check((x, w) => conv2d(x, w, { stride: 2, padding: 'same' }), [f64([1, 2, 5, 6], 106), f64([2, 2, 2, 4], 107)]);
    check((x, w) => conv2d(x, w, { padding: 'same' }), [f64([1, 1, 4, 4], 108), f64([2, 1, 2, 2], 109)]);
  });
  it('the backprop kernels are differentiable too (second derivatives of conv2d)', () => {
    const attrs = { stride: [2, 1] as const, padding: [1, 0, 1, 1] as const };
    check(
      (dy, w) => conv2dBackpropInput(dy, w, { ...attrs, xShape: [2, 2, 5, 4] }),
      [f64([2, 3, 2, 4], 110), f64([3, 2, 3, 3], 111)],
    );
    check(
      (x, dy) => conv2dBackpropFilter(x, dy, { ...attrs, wShape: [3, 2, 3, 3] }),
      [f64([2, 2, 5, 4], 112), f64([2, 3, 2, 4], 113)],
    );
  });
  it('dilation, groups and depthwise, through all three kernels', () => {
    check((x, w) => conv2d(x, w, { padding: 2, dilation: [2, 1] }), [f64([1, 2, 5, 4], 114), f64([2, 2, 3, 2], 115)]);
    check((x, w) => conv2d(x, w, { stride: 2, groups: 2 }), [f64([2, 4, 5, 5], 116), f64([4, 2, 3, 3], 117)]);
    check(
      (x, w) => conv2d(x, w, { padding: 1, dilation: 2, groups: 3 }),
      [f64([1, 3, 5, 5], 118), f64([3, 1, 2, 2], 119)],
    );
    const attrs = { stride: [2, 1] as const, padding: [1, 0, 1, 1] as const, dilation: [1, 2] as const, groups: 2 };
    check(
      (dy, w) => conv2dBackpropInput(dy, w, { ...attrs, xShape: [1, 4, 5, 5] }),
      [f64([1, 2, 2, 5], 120), f64([2, 2, 3, 2], 121)],
    );
    check(
      (x, dy) => conv2dBackpropFilter(x, dy, { ...attrs, wShape: [2, 2, 3, 2] }),
      [f64([1, 4, 5, 5], 122), f64([1, 2, 2, 5], 123)],
    );
  });
  it('conv1d (size-1 batch and length-1 output) and convTranspose2d with outputPadding', () => {
    check((x, w) => conv1d(x, w, { stride: 2, padding: 1, dilation: 2 }), [f64([2, 2, 7], 124), f64([3, 2, 3], 125)]);
    check((x, w) => conv1d(x, w, { groups: 2 }), [f64([1, 4, 3], 126), f64([2, 2, 3], 127)]);
    check(
      (x, w) => convTranspose2d(x, w, { stride: 2, padding: 1, outputPadding: 1 }),
      [f64([2, 2, 3, 3], 128), f64([2, 3, 3, 3], 129)],
    );
    check(
      (x, w) => convTranspose2d(x, w, { stride: [1, 2], groups: 2, dilation: 2 }),
      [f64([1, 4, 2, 3], 130), f64([4, 1, 2, 2], 131)],
    );
    check((x, w) => convTranspose2d(x, w), [f64([1, 1, 1, 1], 132), f64([1, 2, 1, 1], 133)]);
  });
});
