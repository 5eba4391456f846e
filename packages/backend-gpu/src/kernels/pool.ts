/** Max/Avg pooling (NCHW) and their backward kernels, one thread per output element. */
import { type KernelFn, type PoolGeometry, poolGeometry } from '@nn/tensor/backend';
import { kernelSource, lit, negInfOf } from '../codegen';
import { split4 } from './conv';
import { type GpuKernels, gpuOf } from './util';

/**
 * Statements scanning window (oh, ow) of plane `plane` for its first maximum: sets best, bestH, bestW. Its
 * names (mh, mw, jh, jw) differ from every caller's: the webasm mode does not honour block scoping.
 */
function windowMax(g: PoolGeometry): string {
  return `let best = 0.0;
let bestH = -1.0;
let bestW = -1.0;
for (let mh = 0.0; mh < ${lit(g.kernelHeight)}; mh += 1.0) {
const jh = oh * ${lit(g.strideH)} - ${lit(g.padTop)} + mh;
for (let mw = 0.0; mw < ${lit(g.kernelWidth)}; mw += 1.0) {
const jw = ow * ${lit(g.strideW)} - ${lit(g.padLeft)} + mw;
if (jh >= 0.0 && jh < ${lit(g.inHeight)} && jw >= 0.0 && jw < ${lit(g.inWidth)}) {
const v = a0[plane + jh * ${lit(g.inWidth)} + jw];
if (bestH < 0.0 || v > best) { best = v; bestH = jh; bestW = jw; }
}
}
}`;
}

/** The index of plane (n, c) of an NCHW tensor with `channels` planes of `area` pixels each. */
const planeOf = (channels: number, area: number): string => `(n * ${lit(channels)} + c) * ${lit(area)}`;

const maxPool: KernelFn<'MaxPool2D'> = ({ inputs: { x }, attrs, outputs: [out], backend }) => {
  const g = poolGeometry(x.shape, out.shape, attrs);
  const body = `${split4(out.shape, ['n', 'c', 'oh', 'ow'])}
const plane = ${planeOf(x.shape[1]!, g.inHeight * g.inWidth)};
${windowMax(g)}
return bestH < 0.0 ? ${negInfOf('best + 1.0')} : best;`;
  return gpuOf(backend).compute(kernelSource(1, body), out.shape, out.dtype, [x]);
};

/** Loops over the windows (oh, ow) that contain input pixel (ih, iw). */
function coveringWindows(g: PoolGeometry, inner: string): string {
  return `for (let kh = 0.0; kh < ${lit(g.kernelHeight)}; kh += 1.0) {
const th = ih + ${lit(g.padTop)} - kh;
const wh = Math.floor((th + 0.5) / ${lit(g.strideH)});
if (th >= 0.0 && wh * ${lit(g.strideH)} == th && wh < ${lit(g.outHeight)}) {
for (let kw = 0.0; kw < ${lit(g.kernelWidth)}; kw += 1.0) {
const tw = iw + ${lit(g.padLeft)} - kw;
const ww = Math.floor((tw + 0.5) / ${lit(g.strideW)});
if (tw >= 0.0 && ww * ${lit(g.strideW)} == tw && ww < ${lit(g.outWidth)}) {
${inner}
}
}
}
}`;
}

/** Routes dy to the first maximum of each window: each input pixel sums the windows it is the maximum of. */
const maxPoolBackward: KernelFn<'MaxPool2DBackward'> = ({ inputs: { dy, x }, attrs, outputs: [out], backend }) => {
  const g = poolGeometry(x.shape, dy.shape, attrs);
  const channels = x.shape[1]!;
  const inner = `const oh = wh;
const ow = ww;
${windowMax(g)}
if (bestH == ih && bestW == iw) { acc += a1[${planeOf(channels, g.outHeight * g.outWidth)} + oh * ${lit(g.outWidth)} + ow]; }`;
  const body = `${split4(out.shape, ['n', 'c', 'ih', 'iw'])}
const plane = ${planeOf(channels, g.inHeight * g.inWidth)};
let acc = 0.0;
${coveringWindows(g, inner)}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), out.shape, out.dtype, [x, dy]);
};

/** Averages over the full window, padding included (count_include_pad=True). */
const avgPool: KernelFn<'AvgPool2D'> = ({ inputs: { x }, attrs, outputs: [out], backend }) => {
  const g = poolGeometry(x.shape, out.shape, attrs);
  const [h, w] = [g.inHeight, g.inWidth];
  const body = `${split4(out.shape, ['n', 'c', 'oh', 'ow'])}
const plane = ${planeOf(x.shape[1]!, h * w)};
let acc = 0.0;
for (let kh = 0.0; kh < ${lit(g.kernelHeight)}; kh += 1.0) {
const ih = oh * ${lit(g.strideH)} - ${lit(g.padTop)} + kh;
for (let kw = 0.0; kw < ${lit(g.kernelWidth)}; kw += 1.0) {
const iw = ow * ${lit(g.strideW)} - ${lit(g.padLeft)} + kw;
if (ih >= 0.0 && ih < ${lit(h)} && iw >= 0.0 && iw < ${lit(w)}) { acc += a0[plane + ih * ${lit(w)} + iw]; }
}
}
return acc / ${lit(g.kernelHeight * g.kernelWidth)};`;
  return gpuOf(backend).compute(kernelSource(1, body), out.shape, out.dtype, [x]);
};

const avgPoolBackward: KernelFn<'AvgPool2DBackward'> = ({ inputs: { dy }, attrs, outputs: [out], backend }) => {
  const g = poolGeometry(out.shape, dy.shape, attrs);
  const inner = `acc += a0[${planeOf(out.shape[1]!, g.outHeight * g.outWidth)} + wh * ${lit(g.outWidth)} + ww];`;
  const body = `${split4(out.shape, ['n', 'c', 'ih', 'iw'])}
let acc = 0.0;
${coveringWindows(g, inner)}
return acc / ${lit(g.kernelHeight * g.kernelWidth)};`;
  return gpuOf(backend).compute(kernelSource(1, body), out.shape, out.dtype, [dy]);
};

export const poolKernels: GpuKernels<'MaxPool2D' | 'MaxPool2DBackward' | 'AvgPool2D' | 'AvgPool2DBackward'> = {
  MaxPool2D: maxPool,
  MaxPool2DBackward: maxPoolBackward,
  AvgPool2D: avgPool,
  AvgPool2DBackward: avgPoolBackward,
};
