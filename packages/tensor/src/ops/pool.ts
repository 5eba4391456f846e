/** 2-D max and average pooling of NCHW images, and the backward ops autograd uses. */
import { engine } from '../engine';
import { ValueError } from '../errors';
import type { Padding4 } from '../kernels/geometry';
import type { Pool2DAttrs } from '../kernels/pool';
import type { Tensor } from '../tensor';
import type { Shape } from '../types';
import { pair } from './conv';
import { assertTensor } from './create';

/** Options of `maxPool2d` and `avgPool2d`. */
export interface Pool2dOptions {
  kernelSize: number | readonly [number, number];
  /** Defaults to kernelSize. */
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number];
}

function poolAttrs(op: string, options: Pool2dOptions): Pool2DAttrs {
  if (options === undefined || options.kernelSize === undefined) throw new ValueError(`${op}: kernelSize is required`);
  const kernelSize = pair(op, 'kernelSize', options.kernelSize, 1);
  const stride = pair(op, 'stride', options.stride ?? options.kernelSize, 1);
  const [ph, pw] = pair(op, 'padding', options.padding ?? 0, 0);
  if (ph * 2 > kernelSize[0] || pw * 2 > kernelSize[1]) {
    throw new ValueError(`${op}: padding [${ph},${pw}] must be at most half the kernel size [${kernelSize}]`);
  }
  const padding: Padding4 = [ph, ph, pw, pw];
  return { kernelSize, stride, padding };
}

/** Max over each window: [N, C, H, W] -> [N, C, outH, outW]. */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  assertTensor('maxPool2d', x);
  return engine.runKernel('MaxPool2D', { x }, poolAttrs('maxPool2d', options));
}

/** Mean over each window (padding counts as zeros, as PyTorch's default). */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  assertTensor('avgPool2d', x);
  return engine.runKernel('AvgPool2D', { x }, poolAttrs('avgPool2d', options));
}

/** The gradient of maxPool2d with respect to its input (autograd's rule calls it). */
export function maxPool2dBackward(dy: Tensor, x: Tensor, attrs: Pool2DAttrs): Tensor {
  return engine.runKernel('MaxPool2DBackward', { dy, x }, attrs);
}

/** The gradient of avgPool2d with respect to its input (autograd's rule calls it). */
export function avgPool2dBackward(dy: Tensor, attrs: Pool2DAttrs & { xShape: Shape }): Tensor {
  return engine.runKernel('AvgPool2DBackward', { dy }, attrs);
}
