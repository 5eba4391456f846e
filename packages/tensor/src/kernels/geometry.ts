/**
 * The shape arithmetic of the kernels, in one place: broadcasting, reduced shapes, and the geometry of sliding
 * windows (convolution, pooling). The kernel specs use it to infer output shapes; backends use it (from
 * `@nn/tensor/backend`) to lay out their loops from the shapes the engine resolved, never to re-derive them.
 */
import { fmtShape, ShapeError } from '../errors';
import type { Shape } from '../types';
import { shapesEqual, stridesOf } from '../util/shape';
import type { Conv2DAttrs } from './conv';
import type { Pool2DAttrs } from './pool';

/** Padding of the two spatial axes of an NCHW image: [top, bottom, left, right]. */
export type Padding4 = readonly [number, number, number, number];
/** Two numbers, [height, width] or [before, after]. */
export type Pair = readonly [number, number];

/** NumPy broadcasting of any number of shapes; throws a ShapeError naming `op`. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const first = shapes[0] ?? [];
  // The common case (operands of one shape) costs one comparison per axis.
  if (shapes.every((s) => shapesEqual(s, first))) return [...first];
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (let i = 0; i < rank; i++) {
    let dim = 1;
    let empty = false;
    for (const shape of shapes) {
      const d = shape[shape.length - rank + i] ?? 1;
      if (d === 0) empty = true;
      if (d === 1) continue;
      if (dim !== 1 && d !== dim) {
        throw new ShapeError(`${op}: shapes cannot be broadcast: ${shapes.map(fmtShape).join(' and ')}`);
      }
      dim = d;
    }
    // A zero-length axis broadcasts against 1 to 0.
    out[i] = empty ? 0 : dim;
  }
  return out;
}

/**
 * Strides for reading an input of `inShape` as if it had `outShape` (broadcast axes get stride 0).
 * `inShape` must broadcast to `outShape`.
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const inStrides = stridesOf(inShape);
  const offset = outShape.length - inShape.length;
  return outShape.map((_, i) => {
    const j = i - offset;
    if (j < 0) return 0;
    return inShape[j] === 1 ? 0 : inStrides[j]!;
  });
}

/** The shape left after removing `axes` (sorted), or with them set to 1 when keepDims. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims = false): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** Output size of a convolution/pooling window along one axis. */
export function windowOutputSize(
  inSize: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
): number {
  return Math.floor((inSize + padBefore + padAfter - kernel) / stride) + 1;
}

/**
 * [outH, outW] of a window of `kernel` sliding over the NCHW `xShape`; a ShapeError naming `op` when the window
 * does not fit anywhere.
 */
export function windowOutputHW(
  op: string,
  xShape: Shape,
  kernel: Pair,
  stride: Pair,
  padding: Padding4,
): [number, number] {
  const outH = windowOutputSize(xShape[2]!, kernel[0], stride[0], padding[0], padding[1]);
  const outW = windowOutputSize(xShape[3]!, kernel[1], stride[1], padding[2], padding[3]);
  if (!(outH >= 1 && outW >= 1)) {
    throw new ShapeError(
      `${op}: window ${kernel[0]}x${kernel[1]} does not fit input ${fmtShape(xShape)} with padding [${padding}]`,
    );
  }
  return [outH, outW];
}

/** The extent of a dilated kernel: k taps `dilation` apart span dilation * (k - 1) + 1 pixels. */
export function dilatedKernel(kernel: Pair, dilation: Pair): Pair {
  return [dilation[0] * (kernel[0] - 1) + 1, dilation[1] * (kernel[1] - 1) + 1];
}

/**
 * Everything about one convolution, from the shapes of its input x, weight w and output y (all NCHW / OIHW).
 * Channels are totals over all groups; group g reads input channels [g * inC/groups, (g+1) * inC/groups) and
 * writes output channels [g * outC/groups, (g+1) * outC/groups) with weight rows of the same range.
 */
export interface ConvGeometry {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  outHeight: number;
  outWidth: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  dilationH: number;
  dilationW: number;
  groups: number;
}

/**
 * The geometry of a convolution whose three shapes are known (the engine resolved the one the kernel produces):
 * Conv2D knows x, w and its output y; Conv2DBackpropInput has dy (= y) and w and produces x; Conv2DBackpropFilter
 * has x and dy and produces w.
 */
export function convGeometry(
  xShape: Shape,
  wShape: Shape,
  yShape: Shape,
  { stride, padding, dilation, groups }: Conv2DAttrs,
): ConvGeometry {
  const [batch, inChannels, inHeight, inWidth] = xShape as [number, number, number, number];
  const [outChannels, , kernelHeight, kernelWidth] = wShape as [number, number, number, number];
  const [padTop, padBottom, padLeft, padRight] = padding;
  return {
    batch,
    inChannels,
    inHeight,
    inWidth,
    outChannels,
    kernelHeight,
    kernelWidth,
    outHeight: yShape[2]!,
    outWidth: yShape[3]!,
    strideH: stride[0],
    strideW: stride[1],
    padTop,
    padBottom,
    padLeft,
    padRight,
    dilationH: dilation[0],
    dilationW: dilation[1],
    groups,
  };
}

/** Everything about one 2-D pooling, from the shapes of its input x and output y. */
export interface PoolGeometry {
  /** batch * channels: pooling treats every plane independently. */
  planes: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
}

/** The geometry of a pooling of the NCHW `xShape` into `yShape` (both known: the engine resolved the output). */
export function poolGeometry(xShape: Shape, yShape: Shape, { kernelSize, stride, padding }: Pool2DAttrs): PoolGeometry {
  const [batch, channels, inHeight, inWidth] = xShape as [number, number, number, number];
  const [padTop, padBottom, padLeft, padRight] = padding;
  return {
    planes: batch * channels,
    inHeight,
    inWidth,
    outHeight: yShape[2]!,
    outWidth: yShape[3]!,
    kernelHeight: kernelSize[0],
    kernelWidth: kernelSize[1],
    strideH: stride[0],
    strideW: stride[1],
    padTop,
    padBottom,
    padLeft,
    padRight,
  };
}

/**
 * The input index that each of `outSize` outputs copies in nearest-neighbour resizing, as PyTorch's 'nearest':
 * floor(dst * scale) with scale = 1 / scaleFactor when one was given (else inSize / outSize), computed in float32
 * as PyTorch does, so that boundary pixels pick the same source.
 */
export function nearestSources(inSize: number, outSize: number, scaleFactor?: number): number[] {
  const scale = Math.fround(scaleFactor === undefined ? inSize / outSize : 1 / scaleFactor);
  return Array.from({ length: outSize }, (_, dst) => Math.min(Math.floor(Math.fround(dst * scale)), inSize - 1));
}

/** The two input indices each output of linear resizing reads, and their weights (`w0 + w1 = 1`). */
export interface LinearTaps {
  i0: number[];
  i1: number[];
  w0: number[];
  w1: number[];
}

/**
 * Taps of linear (bilinear, per axis) resizing from `inSize` to `outSize`, as PyTorch: with alignCorners the
 * corner pixels' centres map onto each other (src = dst * (in - 1) / (out - 1)); without, pixel areas do
 * (src = (dst + 0.5) * scale - 0.5, clamped at 0, scale = 1 / scaleFactor when given, else in / out).
 */
export function linearTaps(inSize: number, outSize: number, alignCorners: boolean, scaleFactor?: number): LinearTaps {
  const scale = alignCorners
    ? outSize > 1
      ? (inSize - 1) / (outSize - 1)
      : 0
    : scaleFactor === undefined
      ? inSize / outSize
      : 1 / scaleFactor;
  const taps: LinearTaps = { i0: [], i1: [], w0: [], w1: [] };
  for (let dst = 0; dst < outSize; dst++) {
    const src = alignCorners ? dst * scale : Math.max((dst + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const frac = Math.min(src - i0, 1);
    taps.i0.push(i0);
    taps.i1.push(i0 < inSize - 1 ? i0 + 1 : i0);
    taps.w0.push(1 - frac);
    taps.w1.push(frac);
  }
  return taps;
}

/**
 * The windows of adaptive pooling from `inSize` to `outSize`, as PyTorch: output i averages inputs
 * [floor(i * in / out), ceil((i + 1) * in / out)), so windows cover the input and may overlap by one.
 */
export function adaptiveWindows(inSize: number, outSize: number): Array<[start: number, end: number]> {
  return Array.from({ length: outSize }, (_, i) => [
    Math.floor((i * inSize) / outSize),
    Math.ceil(((i + 1) * inSize) / outSize),
  ]);
}
