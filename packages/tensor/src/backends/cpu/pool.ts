/**
 * 2-D max and average pooling over NCHW images, with direct loops: each window is small and the work per
 * output is a handful of reads, which no GEMM reformulation would beat.
 */
import { type KernelFn, outputInfo } from '../../backend/interface';
import { type PoolGeometry, poolGeometry } from '../../kernels/geometry';
import type { TypedArray } from '../../types';
import { typedArrayFor } from '../../types';
import { fromFloat64 } from './convert';

/**
 * Calls visit(plane offset in x, output index, first/last input row, first/last input column) per window,
 * with the window already clipped to the image: padding cells are never visited.
 */
function forEachWindow(
  g: PoolGeometry,
  visit: (plane: number, out: number, h0: number, h1: number, w0: number, w1: number) => void,
): void {
  let out = 0;
  for (let p = 0; p < g.planes; p++) {
    const plane = p * g.inHeight * g.inWidth;
    for (let oh = 0; oh < g.outHeight; oh++) {
      const top = oh * g.strideH - g.padTop;
      const h0 = Math.max(0, top);
      const h1 = Math.min(g.inHeight, top + g.kernelHeight);
      for (let ow = 0; ow < g.outWidth; ow++, out++) {
        const left = ow * g.strideW - g.padLeft;
        visit(plane, out, h0, h1, Math.max(0, left), Math.min(g.inWidth, left + g.kernelWidth));
      }
    }
  }
}

/**
 * Flat index into x of the first maximum of a window (NaN wins, as in torch), or -1 for a window that lies
 * entirely in the padding, whose max is the padding value -Infinity.
 */
function argMaxOfWindow(x: TypedArray, plane: number, W: number, h0: number, h1: number, w0: number, w1: number) {
  let best = Number.NEGATIVE_INFINITY;
  let at = -1;
  for (let h = h0; h < h1; h++) {
    for (let i = plane + h * W + w0, end = plane + h * W + w1; i < end; i++) {
      const v = x[i]!;
      if (v > best || at < 0 || Number.isNaN(v)) {
        best = v;
        at = i;
        if (Number.isNaN(v)) return at;
      }
    }
  }
  return at;
}

const maxPool2D: KernelFn<'MaxPool2D'> = ({ inputs: { x }, attrs, outputs: [y], backend }) => {
  const g = poolGeometry(x.shape, y.shape, attrs);
  const xValues = backend.readSync(x.dataId);
  const out = typedArrayFor(x.dtype, g.planes * g.outHeight * g.outWidth);
  forEachWindow(g, (plane, o, h0, h1, w0, w1) => {
    const at = argMaxOfWindow(xValues, plane, g.inWidth, h0, h1, w0, w1);
    out[o] = at < 0 ? Number.NEGATIVE_INFINITY : xValues[at]!;
  });
  return outputInfo(backend, out, y.shape, y.dtype);
};

const maxPool2DBackward: KernelFn<'MaxPool2DBackward'> = ({ inputs: { dy, x }, attrs, outputs: [dx], backend }) => {
  const g = poolGeometry(x.shape, dy.shape, attrs);
  const xValues = backend.readSync(x.dataId);
  const dyValues = backend.readSync(dy.dataId);
  const acc = new Float64Array(xValues.length);
  forEachWindow(g, (plane, o, h0, h1, w0, w1) => {
    const at = argMaxOfWindow(xValues, plane, g.inWidth, h0, h1, w0, w1);
    if (at >= 0) acc[at] = acc[at]! + dyValues[o]!;
  });
  return outputInfo(backend, fromFloat64(acc, dx.dtype), dx.shape, dx.dtype);
};

const avgPool2D: KernelFn<'AvgPool2D'> = ({ inputs: { x }, attrs, outputs: [y], backend }) => {
  const g = poolGeometry(x.shape, y.shape, attrs);
  const xValues = backend.readSync(x.dataId);
  const out = typedArrayFor(x.dtype, g.planes * g.outHeight * g.outWidth);
  // Padding counts in the divisor (count_include_pad=True) but adds nothing to the sum.
  const divisor = g.kernelHeight * g.kernelWidth;
  const W = g.inWidth;
  forEachWindow(g, (plane, o, h0, h1, w0, w1) => {
    let sum = 0;
    for (let h = h0; h < h1; h++) {
      for (let i = plane + h * W + w0, end = plane + h * W + w1; i < end; i++) sum += xValues[i]!;
    }
    out[o] = sum / divisor;
  });
  return outputInfo(backend, out, y.shape, y.dtype);
};

const avgPool2DBackward: KernelFn<'AvgPool2DBackward'> = ({ inputs: { dy }, attrs, outputs: [dx], backend }) => {
  const g = poolGeometry(dx.shape, dy.shape, attrs);
  const dyValues = backend.readSync(dy.dataId);
  const acc = new Float64Array(g.planes * g.inHeight * g.inWidth);
  const divisor = g.kernelHeight * g.kernelWidth;
  const W = g.inWidth;
  forEachWindow(g, (plane, o, h0, h1, w0, w1) => {
    const share = dyValues[o]! / divisor;
    for (let h = h0; h < h1; h++) {
      for (let i = plane + h * W + w0, end = plane + h * W + w1; i < end; i++) acc[i] = acc[i]! + share;
    }
  });
  return outputInfo(backend, fromFloat64(acc, dx.dtype), dx.shape, dx.dtype);
};

export const poolKernels = {
  MaxPool2D: maxPool2D,
  MaxPool2DBackward: maxPool2DBackward,
  AvgPool2D: avgPool2D,
  AvgPool2DBackward: avgPool2DBackward,
};
