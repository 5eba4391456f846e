/** 2-D max and average pooling over NCHW images, and their adjoints. */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import type { Shape } from '../types';
import { type Padding4, type Pair, windowOutputHW } from './geometry';
import { defineKernel, type TensorMeta } from './spec';

/** The attributes of the pooling kernels: window, stride and padding. */
export interface Pool2DAttrs {
  kernelSize: Pair;
  stride: Pair;
  padding: Padding4;
}

/** The output shape [N, C, outH, outW] of pooling the NCHW `xShape`. */
export function pool2dOutputShape(op: string, xShape: Shape, attrs: Pool2DAttrs): number[] {
  if (xShape.length !== 4) throw new ShapeError(`${op}: input must be NCHW (rank 4), got ${fmtShape(xShape)}`);
  return [xShape[0]!, xShape[1]!, ...windowOutputHW(op, xShape, attrs.kernelSize, attrs.stride, attrs.padding)];
}

/** dy must be what pooling `xShape` gives, in x's dtype where there is an x. */
function assertGradient(op: string, dy: TensorMeta, xShape: Shape, attrs: Pool2DAttrs, x?: TensorMeta): void {
  if (x !== undefined && x.dtype !== dy.dtype) throw new DTypeError(`${op}: dtypes differ: ${x.dtype} and ${dy.dtype}`);
  const expected = pool2dOutputShape(op, xShape, attrs);
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`${op}: dy ${fmtShape(dy.shape)} is not the pooling's output shape ${fmtShape(expected)}`);
  }
}

function pooling(op: string) {
  return defineKernel({
    op,
    inputs: { x: 'tensor' },
    infer: ({ x }, attrs: Pool2DAttrs) => [{ shape: pool2dOutputShape(op, x.shape, attrs), dtype: x.dtype }],
  });
}

export default {
  MaxPool2D: pooling('maxPool2d'),
  /** Routes dy to the first maximum of each window of x. */
  MaxPool2DBackward: defineKernel({
    op: 'maxPool2dBackward',
    inputs: { dy: 'tensor', x: 'tensor' },
    infer: ({ dy, x }, attrs: Pool2DAttrs) => {
      assertGradient('maxPool2dBackward', dy, x.shape, attrs, x);
      return [{ shape: x.shape, dtype: dy.dtype }];
    },
  }),
  /** Averages over the full window, padding included (PyTorch's count_include_pad=True). */
  AvgPool2D: pooling('avgPool2d'),
  AvgPool2DBackward: defineKernel({
    op: 'avgPool2dBackward',
    inputs: { dy: 'tensor' },
    infer: ({ dy }, attrs: Pool2DAttrs & { xShape: Shape }) => {
      assertGradient('avgPool2dBackward', dy, attrs.xShape, attrs);
      return [{ shape: attrs.xShape, dtype: dy.dtype }];
    },
  }),
};
