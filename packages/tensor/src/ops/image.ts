/** Image ops on NCHW tensors: 2-D convolution and pooling, and the backward ops autograd uses. */
import { engine } from '../engine';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors';
import type { Conv2DAttrs, Padding4, Pair, Pool2DAttrs } from '../kernels/names';
import type { Tensor } from '../tensor';
import type { Shape } from '../types';
import { describeValue } from '../util/options';
import { windowOutputSize } from '../util/shape';
import { assertTensor } from './elementwise';

/** A padding as users write it: a number for all sides, [padH, padW], 'valid' (none) or 'same' (keep size at stride 1). */
export type PaddingSpec = number | readonly [number, number] | 'same' | 'valid';

export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  padding?: PaddingSpec;
}

export interface Pool2dOptions {
  kernelSize: number | readonly [number, number];
  /** Defaults to kernelSize. */
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number];
}

function pair(op: string, name: string, value: number | readonly [number, number], min: number): Pair {
  const p = typeof value === 'number' ? ([value, value] as const) : value;
  if (!Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < min)) {
    throw new ValueError(`${op}: ${name} must be an integer >= ${min} or a pair of them, got ${describeValue(value)}`);
  }
  return [p[0]!, p[1]!];
}

/** Resolves a padding spec into explicit [top, bottom, left, right] for a window over [inH, inW]. */
export function resolvePadding(op: string, padding: PaddingSpec, input: Pair, kernel: Pair, stride: Pair): Padding4 {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    // As TensorFlow: the output has ceil(in / stride) positions; the odd pixel of padding goes after.
    const totals = [0, 1].map((i) => {
      const out = Math.ceil(input[i]! / stride[i]!);
      return Math.max(0, (out - 1) * stride[i]! + kernel[i]! - input[i]!);
    });
    const [th, tw] = totals as [number, number];
    return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  }
  const [ph, pw] = pair(op, 'padding', padding, 0);
  return [ph, ph, pw, pw];
}

function checkImage(op: string, x: Tensor): void {
  assertTensor(op, x);
  if (x.rank !== 4) throw new ShapeError(`${op}: input must be NCHW (rank 4), got ${fmtShape(x.shape)}`);
}

function outputSize(op: string, x: Shape, kernel: Pair, stride: Pair, padding: Padding4): Pair {
  const oh = windowOutputSize(x[2]!, kernel[0], stride[0], padding[0], padding[1]);
  const ow = windowOutputSize(x[3]!, kernel[1], stride[1], padding[2], padding[3]);
  if (oh < 1 || ow < 1) {
    throw new ShapeError(
      `${op}: window ${kernel[0]}x${kernel[1]} does not fit input ${fmtShape(x)} with padding [${padding}]`,
    );
  }
  return [oh, ow];
}

/** Normalised attributes of a convolution of `x` by `w`. */
export function conv2dAttrs(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Conv2DAttrs {
  const stride = pair('conv2d', 'stride', options.stride ?? 1, 1);
  const kernel: Pair = [w.shape[2]!, w.shape[3]!];
  const padding = resolvePadding('conv2d', options.padding ?? 0, [x.shape[2]!, x.shape[3]!], kernel, stride);
  outputSize('conv2d', x.shape, kernel, stride, padding);
  return { stride, padding };
}

/**
 * 2-D convolution (cross-correlation, as PyTorch): x [N, C, H, W], w [outC, C, kH, kW] -> [N, outC, outH, outW].
 * @example conv2d(x, w, { stride: 1, padding: 'same' })
 */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  checkImage('conv2d', x);
  assertTensor('conv2d', w, 'w');
  if (w.rank !== 4) throw new ShapeError(`conv2d: weight must be [outC, inC, kH, kW], got ${fmtShape(w.shape)}`);
  if (x.dtype !== w.dtype) throw new DTypeError(`conv2d: dtypes differ: ${x.dtype} and ${w.dtype}`);
  if (x.shape[1] !== w.shape[1]) {
    throw new ShapeError(
      `conv2d: input has ${x.shape[1]} channels but weight expects ${w.shape[1]}: ${fmtShape(x.shape)} * ${fmtShape(w.shape)}`,
    );
  }
  return engine.runKernel('Conv2D', { x, w }, conv2dAttrs(x, w, options));
}

/** The gradient of conv2d with respect to its input. */
export function conv2dBackpropInput(dy: Tensor, w: Tensor, attrs: Conv2DAttrs & { xShape: Shape }): Tensor {
  return engine.runKernel('Conv2DBackpropInput', { dy, w }, attrs);
}

/** The gradient of conv2d with respect to its weight. */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, attrs: Conv2DAttrs & { wShape: Shape }): Tensor {
  return engine.runKernel('Conv2DBackpropFilter', { x, dy }, attrs);
}

function poolAttrs(op: string, x: Tensor, options: Pool2dOptions): Pool2DAttrs {
  if (options === undefined || options.kernelSize === undefined) throw new ValueError(`${op}: kernelSize is required`);
  const kernelSize = pair(op, 'kernelSize', options.kernelSize, 1);
  const stride = pair(op, 'stride', options.stride ?? options.kernelSize, 1);
  const [ph, pw] = pair(op, 'padding', options.padding ?? 0, 0);
  if (ph * 2 > kernelSize[0] || pw * 2 > kernelSize[1]) {
    throw new ValueError(`${op}: padding [${ph},${pw}] must be at most half the kernel size [${kernelSize}]`);
  }
  const padding: Padding4 = [ph, ph, pw, pw];
  outputSize(op, x.shape, kernelSize, stride, padding);
  return { kernelSize, stride, padding };
}

/** Max over each window: [N, C, H, W] -> [N, C, outH, outW]. */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  checkImage('maxPool2d', x);
  return engine.runKernel('MaxPool2D', { x }, poolAttrs('maxPool2d', x, options));
}

/** Mean over each window (padding counts as zeros, as PyTorch's default). */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  checkImage('avgPool2d', x);
  return engine.runKernel('AvgPool2D', { x }, poolAttrs('avgPool2d', x, options));
}

export function maxPool2dBackward(dy: Tensor, x: Tensor, attrs: Pool2DAttrs): Tensor {
  return engine.runKernel('MaxPool2DBackward', { dy, x }, attrs);
}

export function avgPool2dBackward(dy: Tensor, attrs: Pool2DAttrs & { xShape: Shape }): Tensor {
  return engine.runKernel('AvgPool2DBackward', { dy }, attrs);
}
