/** 2-D convolution of NCHW images, and the backward ops autograd uses. */
import { engine } from '../engine';
import { ValueError } from '../errors';
import type { Conv2DAttrs } from '../kernels/conv';
import type { Padding4, Pair } from '../kernels/geometry';
import type { Tensor } from '../tensor';
import type { Shape } from '../types';
import { describeValue } from '../util/options';
import { assertTensor } from './create';

/** A padding as users write it: a number for all sides, [padH, padW], 'valid' (none) or 'same' (keep size at stride 1). */
export type PaddingSpec = number | readonly [number, number] | 'same' | 'valid';

export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  padding?: PaddingSpec;
}

/** An integer >= `min`, or a pair of them, as a pair. */
export function pair(op: string, name: string, value: number | readonly [number, number], min: number): Pair {
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

/** Normalised attributes of a convolution of `x` by `w` (the kernel's spec checks that they fit together). */
export function conv2dAttrs(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Conv2DAttrs {
  const stride = pair('conv2d', 'stride', options.stride ?? 1, 1);
  const kernel: Pair = [w.shape[2]!, w.shape[3]!];
  const padding = resolvePadding('conv2d', options.padding ?? 0, [x.shape[2]!, x.shape[3]!], kernel, stride);
  return { stride, padding };
}

/**
 * 2-D convolution (cross-correlation, as PyTorch): x [N, C, H, W], w [outC, C, kH, kW] -> [N, outC, outH, outW].
 * @example conv2d(x, w, { stride: 1, padding: 'same' })
 */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  assertTensor('conv2d', x);
  assertTensor('conv2d', w, 'w');
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
