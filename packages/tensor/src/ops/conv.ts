/**
 * Convolutions of NCHW images (plain, strided, dilated, grouped) and the backward ops autograd uses; conv1d (a
 * conv2d of images one pixel high) and convTranspose2d (the input-gradient kernel of the convolution whose weight
 * it takes, as PyTorch defines it) run on the same kernels.
 */
import { engine } from '../engine';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors';
import type { Conv2DAttrs } from '../kernels/conv';
import { dilatedKernel, type Padding4, type Pair, windowOutputSize } from '../kernels/geometry';
import type { Tensor } from '../tensor';
import type { Shape } from '../types';
import { checkOptions, describeValue, type OptionKeys } from '../util/options';
import { assertTensor } from './create';
import { reshape } from './shape';

/** A padding as users write it: a number for all sides, [padH, padW], 'valid' (none) or 'same' (keep size at stride 1). */
export type PaddingSpec = number | readonly [number, number] | 'same' | 'valid';

/** Options of `conv2d`: stride, padding, dilation and groups. */
export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  padding?: PaddingSpec;
  /** Spacing between kernel taps (1: adjacent). */
  dilation?: number | readonly [number, number];
  /** Channels split into independent groups; inC and outC must both divide by it (inC: depthwise). */
  groups?: number;
}

const CONV2D_OPTIONS: OptionKeys<Conv2dOptions> = { stride: true, padding: true, dilation: true, groups: true };

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

/** An integer option >= `min` (`fallback` when absent). */
function integer(op: string, name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new ValueError(`${op}: ${name} must be an integer >= ${min}, got ${describeValue(value)}`);
  }
  return value;
}

/** Normalised attributes of a convolution of `x` by `w` (the kernel's spec checks that they fit together). */
export function conv2dAttrs(x: Tensor, w: Tensor, options: Conv2dOptions = {}, op = 'conv2d'): Conv2DAttrs {
  checkOptions(op, options, CONV2D_OPTIONS);
  const stride = pair(op, 'stride', options.stride ?? 1, 1);
  const dilation = pair(op, 'dilation', options.dilation ?? 1, 1);
  const kernel = dilatedKernel([w.shape[2] ?? 1, w.shape[3] ?? 1], dilation);
  const padding = resolvePadding(op, options.padding ?? 0, [x.shape[2]!, x.shape[3]!], kernel, stride);
  return { stride, padding, dilation, groups: integer(op, 'groups', options.groups, 1, 1) };
}

/**
 * 2-D convolution (cross-correlation, as PyTorch): x [N, C, H, W], w [outC, C / groups, kH, kW] ->
 * [N, outC, outH, outW].
 * @example conv2d(x, w, { stride: 1, padding: 'same', dilation: 2, groups: 1 })
 */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  assertTensor('conv2d', x);
  assertTensor('conv2d', w, 'w');
  return engine.runKernel('Conv2D', { x, w }, conv2dAttrs(x, w, options));
}

/** Conv2DAttrs as the backward ops take them: dilation and groups default to 1. */
export type ConvBackpropAttrs = Omit<Conv2DAttrs, 'dilation' | 'groups'> &
  Partial<Pick<Conv2DAttrs, 'dilation' | 'groups'>>;

function fullAttrs(attrs: ConvBackpropAttrs): Conv2DAttrs {
  return {
    stride: attrs.stride,
    padding: attrs.padding,
    dilation: attrs.dilation ?? [1, 1],
    groups: attrs.groups ?? 1,
  };
}

/** The gradient of conv2d with respect to its input (also the transposed convolution of dy by w). */
export function conv2dBackpropInput(dy: Tensor, w: Tensor, attrs: ConvBackpropAttrs & { xShape: Shape }): Tensor {
  return engine.runKernel('Conv2DBackpropInput', { dy, w }, { ...fullAttrs(attrs), xShape: attrs.xShape });
}

/** The gradient of conv2d with respect to its weight. */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, attrs: ConvBackpropAttrs & { wShape: Shape }): Tensor {
  return engine.runKernel('Conv2DBackpropFilter', { x, dy }, { ...fullAttrs(attrs), wShape: attrs.wShape });
}

/** Options of `conv1d`: stride, padding, dilation and groups. */
export interface Conv1dOptions {
  stride?: number;
  /** Zeros added at both ends, 'valid' (none) or 'same' (keep the length at stride 1). */
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

const CONV1D_OPTIONS: OptionKeys<Conv1dOptions> = { stride: true, padding: true, dilation: true, groups: true };

/** x and w of one dtype, of rank `rank`, with the channel counts a convolution of `groups` groups needs. */
function assertConvOperands(op: string, x: Tensor, w: Tensor, rank: number, layout: string): void {
  if (x.rank !== rank) throw new ShapeError(`${op}: input must have rank ${rank}, got ${fmtShape(x.shape)}`);
  if (w.rank !== rank) throw new ShapeError(`${op}: weight must be ${layout}, got ${fmtShape(w.shape)}`);
  if (x.dtype !== w.dtype) throw new DTypeError(`${op}: dtypes differ: ${x.dtype} and ${w.dtype}`);
}

/**
 * 1-D convolution (cross-correlation, as PyTorch): x [N, C, L], w [outC, C / groups, K] -> [N, outC, outL].
 * @example conv1d(x, w, { stride: 2, padding: 1, dilation: 1, groups: 1 })
 */
export function conv1d(x: Tensor, w: Tensor, options: Conv1dOptions = {}): Tensor {
  assertTensor('conv1d', x);
  assertTensor('conv1d', w, 'w');
  checkOptions('conv1d', options, CONV1D_OPTIONS);
  assertConvOperands('conv1d', x, w, 3, '[outC, inC / groups, K]');
  const [n, c, length] = x.shape as [number, number, number];
  const [outC, cPerGroup, k] = w.shape as [number, number, number];
  const groups = integer('conv1d', 'groups', options.groups, 1, 1);
  if (cPerGroup * groups !== c || outC % groups !== 0) {
    throw new ShapeError(
      `conv1d: input ${fmtShape(x.shape)} and weight ${fmtShape(w.shape)} do not make a convolution of ${groups} group(s): ` +
        `input channels must be ${cPerGroup} x ${groups} and ${outC} output channels must divide by ${groups}`,
    );
  }
  const stride = integer('conv1d', 'stride', options.stride, 1, 1);
  const dilation = integer('conv1d', 'dilation', options.dilation, 1, 1);
  const padSpec = options.padding ?? 0;
  const [, , left, right] = resolvePadding(
    'conv1d',
    typeof padSpec === 'number' ? [0, integer('conv1d', 'padding', padSpec, 0, 0)] : padSpec,
    [1, length],
    dilatedKernel([1, k], [1, dilation]),
    [1, stride],
  );
  const outL = windowOutputSize(length, dilation * (k - 1) + 1, stride, left, right);
  if (!(outL >= 1)) {
    throw new ShapeError(
      `conv1d: kernel of ${k} taps (dilation ${dilation}) does not fit input ${fmtShape(x.shape)} with padding [${left},${right}]`,
    );
  }
  const y = engine.runKernel(
    'Conv2D',
    { x: reshape(x, [n, c, 1, length]), w: reshape(w, [outC, cPerGroup, 1, k]) },
    { stride: [1, stride], padding: [0, 0, left, right], dilation: [1, dilation], groups },
  );
  return reshape(y, [n, outC, outL]);
}

/** Options of `convTranspose2d`. */
export interface ConvTranspose2dOptions {
  stride?: number | readonly [number, number];
  /** Rows and columns cut from each side of the full transposed convolution (as PyTorch's `padding`). */
  padding?: number | readonly [number, number];
  /** Extra rows/columns at the bottom/right, to reach sizes a strided conv2d maps onto the same shape. */
  outputPadding?: number | readonly [number, number];
  dilation?: number | readonly [number, number];
  groups?: number;
}

const CONV_TRANSPOSE_OPTIONS: OptionKeys<ConvTranspose2dOptions> = {
  stride: true,
  padding: true,
  outputPadding: true,
  dilation: true,
  groups: true,
};

/**
 * Transposed 2-D convolution (the gradient of conv2d with respect to its input, as PyTorch's conv_transpose2d):
 * x [N, inC, H, W], w [inC, outC / groups, kH, kW] -> [N, outC, (H - 1) * stride - 2 * padding +
 * dilation * (kH - 1) + outputPadding + 1, ...].
 * @example convTranspose2d(x, w, { stride: 2, padding: 1, outputPadding: 1 })
 */
export function convTranspose2d(x: Tensor, w: Tensor, options: ConvTranspose2dOptions = {}): Tensor {
  const op = 'convTranspose2d';
  assertTensor(op, x);
  assertTensor(op, w, 'w');
  checkOptions(op, options, CONV_TRANSPOSE_OPTIONS);
  assertConvOperands(op, x, w, 4, '[inC, outC / groups, kH, kW]');
  const groups = integer(op, 'groups', options.groups, 1, 1);
  const [inC, outPerGroup, kH, kW] = w.shape as [number, number, number, number];
  if (x.shape[1] !== inC || inC % groups !== 0) {
    throw new ShapeError(
      `${op}: input ${fmtShape(x.shape)} and weight ${fmtShape(w.shape)} do not make a transposed convolution of ` +
        `${groups} group(s): the input needs ${inC} channels, which must divide by ${groups}`,
    );
  }
  const stride = pair(op, 'stride', options.stride ?? 1, 1);
  const padding = pair(op, 'padding', options.padding ?? 0, 0);
  const dilation = pair(op, 'dilation', options.dilation ?? 1, 1);
  const outputPadding = pair(op, 'outputPadding', options.outputPadding ?? 0, 0);
  if (outputPadding[0] >= stride[0] || outputPadding[1] >= stride[1]) {
    throw new ValueError(`${op}: outputPadding [${outputPadding}] must be smaller than stride [${stride}]`);
  }
  const kernel = dilatedKernel([kH, kW], dilation);
  const size = (axis: 0 | 1): number =>
    (x.shape[2 + axis]! - 1) * stride[axis] - 2 * padding[axis] + kernel[axis] + outputPadding[axis];
  const outHW: Pair = [size(0), size(1)];
  if (!(outHW[0] >= 1 && outHW[1] >= 1)) {
    throw new ShapeError(
      `${op}: padding [${padding}] leaves no output of input ${fmtShape(x.shape)} by ${fmtShape(w.shape)}`,
    );
  }
  return engine.runKernel(
    'Conv2DBackpropInput',
    { dy: x, w },
    {
      stride,
      padding: [padding[0], padding[0], padding[1], padding[1]],
      dilation,
      groups,
      xShape: [x.shape[0]!, outPerGroup * groups, outHW[0], outHW[1]],
    },
  );
}
