/**
 * 2-D convolution of NCHW images by [outC, inC / groups, kH, kW] weights (cross-correlation, as PyTorch), and its
 * adjoints. The input-gradient kernel is also the transposed convolution (convTranspose2d).
 */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import type { Shape } from '../types';
import { dilatedKernel, type Padding4, type Pair, windowOutputHW } from './geometry';
import { defineKernel, type TensorMeta } from './spec';

/** The attributes of the Conv2D kernels: stride, padding, dilation and groups. */
export interface Conv2DAttrs {
  stride: Pair;
  padding: Padding4;
  /** Spacing between kernel taps: a k-tap kernel spans dilation * (k - 1) + 1 pixels. */
  dilation: Pair;
  /** Input and output channels split into this many independent groups (inC: depthwise). */
  groups: number;
}

/**
 * The output shape [N, outC, outH, outW] of conv2d(x, w): both rank 4, one dtype, weight channels times groups
 * matching the input's, outC divisible by groups, a dilated window that fits. Errors name `op`.
 */
export function conv2dOutputShape(op: string, x: TensorMeta, w: TensorMeta, attrs: Conv2DAttrs): number[] {
  if (x.shape.length !== 4) throw new ShapeError(`${op}: input must be NCHW (rank 4), got ${fmtShape(x.shape)}`);
  if (w.shape.length !== 4) {
    throw new ShapeError(`${op}: weight must be [outC, inC / groups, kH, kW], got ${fmtShape(w.shape)}`);
  }
  if (x.dtype !== w.dtype) throw new DTypeError(`${op}: dtypes differ: ${x.dtype} and ${w.dtype}`);
  const { groups } = attrs;
  if (x.shape[1] !== w.shape[1]! * groups) {
    const per = groups === 1 ? '' : ` (${w.shape[1]} per group x ${groups} groups)`;
    throw new ShapeError(
      `${op}: input has ${x.shape[1]} channels but weight expects ${w.shape[1]! * groups}${per}: ${fmtShape(x.shape)} * ${fmtShape(w.shape)}`,
    );
  }
  if (w.shape[0]! % groups !== 0) {
    throw new ShapeError(
      `${op}: ${w.shape[0]} output channels of weight ${fmtShape(w.shape)} do not split into ${groups} groups`,
    );
  }
  const kernel = dilatedKernel([w.shape[2]!, w.shape[3]!], attrs.dilation);
  return [x.shape[0]!, w.shape[0]!, ...windowOutputHW(op, x.shape, kernel, attrs.stride, attrs.padding)];
}

/** dy must be the output of the convolution whose other two shapes the backprop kernel knows. */
function assertGradientShape(op: string, dy: TensorMeta, expected: Shape): void {
  if (dy.shape.length !== 4 || dy.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`${op}: dy ${fmtShape(dy.shape)} is not the convolution's output shape ${fmtShape(expected)}`);
  }
}

export default {
  Conv2D: defineKernel({
    op: 'conv2d',
    inputs: { x: 'tensor', w: 'tensor' },
    infer: ({ x, w }, attrs: Conv2DAttrs) => [{ shape: conv2dOutputShape('conv2d', x, w, attrs), dtype: x.dtype }],
  }),
  /** The gradient of Conv2D with respect to x (of shape `xShape`): a transposed convolution of dy by w. */
  Conv2DBackpropInput: defineKernel({
    op: 'conv2dBackpropInput',
    inputs: { dy: 'tensor', w: 'tensor' },
    infer: ({ dy, w }, attrs: Conv2DAttrs & { xShape: Shape }) => {
      const x = { shape: attrs.xShape, dtype: dy.dtype };
      assertGradientShape('conv2dBackpropInput', dy, conv2dOutputShape('conv2dBackpropInput', x, w, attrs));
      return [x];
    },
  }),
  /** The gradient of Conv2D with respect to w (of shape `wShape`), from x and dy. */
  Conv2DBackpropFilter: defineKernel({
    op: 'conv2dBackpropFilter',
    inputs: { x: 'tensor', dy: 'tensor' },
    infer: ({ x, dy }, attrs: Conv2DAttrs & { wShape: Shape }) => {
      const w = { shape: attrs.wShape, dtype: x.dtype };
      if (dy.dtype !== x.dtype) throw new DTypeError(`conv2dBackpropFilter: dtypes differ: ${x.dtype} and ${dy.dtype}`);
      assertGradientShape('conv2dBackpropFilter', dy, conv2dOutputShape('conv2dBackpropFilter', x, w, attrs));
      return [w];
    },
  }),
};
