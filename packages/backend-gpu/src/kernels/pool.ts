/** Max/Avg pooling (NCHW) and their backward kernels, one thread per output element. */
import type { Pool2DAttrs } from '@nn/tensor';
import { type KernelFn, windowOutputSize } from '@nn/tensor/backend';
import { kernelSource, lit, negInfOf } from '../codegen';
import { split4 } from './conv';
import { type GpuKernels, gpuOf } from './util';

function outSize(xShape: readonly number[], p: Pool2DAttrs): [number, number] {
  return [
    windowOutputSize(xShape[2]!, p.kernelSize[0], p.stride[0], p.padding[0], p.padding[1]),
    windowOutputSize(xShape[3]!, p.kernelSize[1], p.stride[1], p.padding[2], p.padding[3]),
  ];
}

/**
 * Statements scanning window (oh, ow) of plane `plane` for its first maximum: sets best, bestH, bestW. Its
 * names (mh, mw, jh, jw) differ from every caller's: the webasm mode does not honour block scoping.
 */
function windowMax(xShape: readonly number[], p: Pool2DAttrs): string {
  const [h, w] = [xShape[2]!, xShape[3]!];
  return `let best = 0.0;
let bestH = -1.0;
let bestW = -1.0;
for (let mh = 0.0; mh < ${lit(p.kernelSize[0])}; mh += 1.0) {
const jh = oh * ${lit(p.stride[0])} - ${lit(p.padding[0])} + mh;
for (let mw = 0.0; mw < ${lit(p.kernelSize[1])}; mw += 1.0) {
const jw = ow * ${lit(p.stride[1])} - ${lit(p.padding[2])} + mw;
if (jh >= 0.0 && jh < ${lit(h)} && jw >= 0.0 && jw < ${lit(w)}) {
const v = a0[plane + jh * ${lit(w)} + jw];
if (bestH < 0.0 || v > best) { best = v; bestH = jh; bestW = jw; }
}
}
}`;
}

const maxPool: KernelFn<'MaxPool2D'> = ({ inputs: { x }, attrs, backend }) => {
  const [oh, ow] = outSize(x.shape, attrs);
  const shape = [x.shape[0]!, x.shape[1]!, oh, ow];
  const body = `${split4(shape, ['n', 'c', 'oh', 'ow'])}
const plane = (n * ${lit(x.shape[1]!)} + c) * ${lit(x.shape[2]! * x.shape[3]!)};
${windowMax(x.shape, attrs)}
return bestH < 0.0 ? ${negInfOf('best + 1.0')} : best;`;
  return gpuOf(backend).compute(kernelSource(1, body), shape, x.dtype, [x]);
};

/** Loops over the windows (oh, ow) that contain input pixel (ih, iw). */
function coveringWindows(p: Pool2DAttrs, outH: number, outW: number, inner: string): string {
  return `for (let kh = 0.0; kh < ${lit(p.kernelSize[0])}; kh += 1.0) {
const th = ih + ${lit(p.padding[0])} - kh;
const wh = Math.floor((th + 0.5) / ${lit(p.stride[0])});
if (th >= 0.0 && wh * ${lit(p.stride[0])} == th && wh < ${lit(outH)}) {
for (let kw = 0.0; kw < ${lit(p.kernelSize[1])}; kw += 1.0) {
const tw = iw + ${lit(p.padding[2])} - kw;
const ww = Math.floor((tw + 0.5) / ${lit(p.stride[1])});
if (tw >= 0.0 && ww * ${lit(p.stride[1])} == tw && ww < ${lit(outW)}) {
${inner}
}
}
}
}`;
}

/** Routes dy to the first maximum of each window: each input pixel sums the windows it is the maximum of. */
const maxPoolBackward: KernelFn<'MaxPool2DBackward'> = ({ inputs: { dy, x }, attrs, backend }) => {
  const [outH, outW] = outSize(x.shape, attrs);
  const channels = x.shape[1]!;
  const inner = `const oh = wh;
const ow = ww;
${windowMax(x.shape, attrs)}
if (bestH == ih && bestW == iw) { acc += a1[((n * ${lit(channels)} + c) * ${lit(outH)} + oh) * ${lit(outW)} + ow]; }`;
  const body = `${split4(x.shape, ['n', 'c', 'ih', 'iw'])}
const plane = (n * ${lit(channels)} + c) * ${lit(x.shape[2]! * x.shape[3]!)};
let acc = 0.0;
${coveringWindows(attrs, outH, outW, inner)}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), x.shape, dy.dtype, [x, dy]);
};

/** Averages over the full window, padding included (count_include_pad=True). */
const avgPool: KernelFn<'AvgPool2D'> = ({ inputs: { x }, attrs, backend }) => {
  const [oh, ow] = outSize(x.shape, attrs);
  const shape = [x.shape[0]!, x.shape[1]!, oh, ow];
  const [h, w] = [x.shape[2]!, x.shape[3]!];
  const body = `${split4(shape, ['n', 'c', 'oh', 'ow'])}
const plane = (n * ${lit(x.shape[1]!)} + c) * ${lit(h * w)};
let acc = 0.0;
for (let kh = 0.0; kh < ${lit(attrs.kernelSize[0])}; kh += 1.0) {
const ih = oh * ${lit(attrs.stride[0])} - ${lit(attrs.padding[0])} + kh;
for (let kw = 0.0; kw < ${lit(attrs.kernelSize[1])}; kw += 1.0) {
const iw = ow * ${lit(attrs.stride[1])} - ${lit(attrs.padding[2])} + kw;
if (ih >= 0.0 && ih < ${lit(h)} && iw >= 0.0 && iw < ${lit(w)}) { acc += a0[plane + ih * ${lit(w)} + iw]; }
}
}
return acc / ${lit(attrs.kernelSize[0] * attrs.kernelSize[1])};`;
  return gpuOf(backend).compute(kernelSource(1, body), shape, x.dtype, [x]);
};

const avgPoolBackward: KernelFn<'AvgPool2DBackward'> = ({ inputs: { dy }, attrs, backend }) => {
  const [outH, outW] = outSize(attrs.xShape, attrs);
  const channels = attrs.xShape[1]!;
  const inner = `acc += a0[((n * ${lit(channels)} + c) * ${lit(outH)} + wh) * ${lit(outW)} + ww];`;
  const body = `${split4(attrs.xShape, ['n', 'c', 'ih', 'iw'])}
let acc = 0.0;
${coveringWindows(attrs, outH, outW, inner)}
return acc / ${lit(attrs.kernelSize[0] * attrs.kernelSize[1])};`;
  return gpuOf(backend).compute(kernelSource(1, body), attrs.xShape, dy.dtype, [dy]);
};

export const poolKernels: GpuKernels<'MaxPool2D' | 'MaxPool2DBackward' | 'AvgPool2D' | 'AvgPool2DBackward'> = {
  MaxPool2D: maxPool,
  MaxPool2DBackward: maxPoolBackward,
  AvgPool2D: avgPool,
  AvgPool2DBackward: avgPoolBackward,
};
