/**
 * Conv2D (NCHW, weights [outC, inC, kH, kW]) and its two backward kernels, as direct loops: one thread per
 * output element, no im2col buffer. Out-of-image taps (padding) are skipped. Dilated and grouped calls are
 * declared (CONV_NOT_IMPLEMENTED) and run the reference kernel on the host.
 */
import type { Conv2DAttrs, KernelName } from '@nn/tensor';
import {
  type AttrsNotImplemented,
  type KernelArgs,
  type KernelFn,
  refusesAttrs,
  reportFallback,
  windowOutputSize,
} from '@nn/tensor/backend';
import { kernelSource, lit } from '../codegen';
import { hostKernel } from './host';
import { type GpuKernels, gpuOf } from './util';

type ConvKernel = 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';

const REASON = 'the direct loops have no dilated taps or channel groups yet (until the gpu spec-seam migration)';

/** The conv attributes these loops take; other calls run on the host, declared in the backend's list. */
export const CONV_NOT_IMPLEMENTED: readonly AttrsNotImplemented[] = (
  ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'] as const
).map((kernel) => ({ kernel, attrs: { dilation: [1, 1], groups: 1 }, reason: REASON }));

/** `kernel`, or the reference kernel on the host (reported) for the attribute values it declares it does not take. */
function refusing<K extends ConvKernel & KernelName>(name: K, kernel: KernelFn<K>): KernelFn<K> {
  return (args: KernelArgs<K>) => {
    if (!refusesAttrs(args.backend, name, args.attrs)) return kernel(args);
    reportFallback();
    const [out] = args.outputs;
    return hostKernel(name, args, out.shape, out.dtype) as ReturnType<KernelFn<K>>;
  };
}

interface Geometry {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
}

function geometry(xShape: readonly number[], wShape: readonly number[], attrs: Conv2DAttrs): Geometry {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const [o, , kh, kw] = wShape as [number, number, number, number];
  const [top, bottom, left, right] = attrs.padding;
  const oh = windowOutputSize(h, kh, attrs.stride[0], top, bottom);
  const ow = windowOutputSize(w, kw, attrs.stride[1], left, right);
  return { n, c, h, w, o, kh, kw, oh, ow };
}

/** Statements splitting `i` into the four NCHW coordinates named `names`. */
function split4(dims: readonly number[], names: readonly string[]): string {
  const [, d1, d2, d3] = dims as [number, number, number, number];
  return `const ${names[0]} = Math.floor((i + 0.5) / ${lit(d1 * d2 * d3)});
let rest = i - ${names[0]} * ${lit(d1 * d2 * d3)};
const ${names[1]} = Math.floor((rest + 0.5) / ${lit(d2 * d3)});
rest = rest - ${names[1]} * ${lit(d2 * d3)};
const ${names[2]} = Math.floor((rest + 0.5) / ${lit(d3)});
const ${names[3]} = rest - ${names[2]} * ${lit(d3)};`;
}

const conv2d: KernelFn<'Conv2D'> = ({ inputs: { x, w }, attrs, backend }) => {
  const g = geometry(x.shape, w.shape, attrs);
  const shape = [g.n, g.o, g.oh, g.ow];
  const body = `${split4(shape, ['n', 'o', 'oh', 'ow'])}
let acc = 0.0;
for (let c = 0.0; c < ${lit(g.c)}; c += 1.0) {
for (let kh = 0.0; kh < ${lit(g.kh)}; kh += 1.0) {
const ih = oh * ${lit(attrs.stride[0])} - ${lit(attrs.padding[0])} + kh;
for (let kw = 0.0; kw < ${lit(g.kw)}; kw += 1.0) {
const iw = ow * ${lit(attrs.stride[1])} - ${lit(attrs.padding[2])} + kw;
if (ih >= 0.0 && ih < ${lit(g.h)} && iw >= 0.0 && iw < ${lit(g.w)}) {
acc += a0[((n * ${lit(g.c)} + c) * ${lit(g.h)} + ih) * ${lit(g.w)} + iw] * a1[((o * ${lit(g.c)} + c) * ${lit(g.kh)} + kh) * ${lit(g.kw)} + kw];
}
}
}
}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), shape, x.dtype, [x, w]);
};

/** dx[n, c, ih, iw] = sum over (o, kh, kw) whose output position (oh, ow) lands on an integer stride step. */
const conv2dBackpropInput: KernelFn<'Conv2DBackpropInput'> = ({ inputs: { dy, w }, attrs, backend }) => {
  const g = geometry(attrs.xShape, w.shape, attrs);
  const [sh, sw] = attrs.stride;
  const body = `${split4(attrs.xShape, ['n', 'c', 'ih', 'iw'])}
let acc = 0.0;
for (let o = 0.0; o < ${lit(g.o)}; o += 1.0) {
for (let kh = 0.0; kh < ${lit(g.kh)}; kh += 1.0) {
const th = ih + ${lit(attrs.padding[0])} - kh;
const oh = Math.floor((th + 0.5) / ${lit(sh)});
if (th >= 0.0 && oh * ${lit(sh)} == th && oh < ${lit(g.oh)}) {
for (let kw = 0.0; kw < ${lit(g.kw)}; kw += 1.0) {
const tw = iw + ${lit(attrs.padding[2])} - kw;
const ow = Math.floor((tw + 0.5) / ${lit(sw)});
if (tw >= 0.0 && ow * ${lit(sw)} == tw && ow < ${lit(g.ow)}) {
acc += a0[((n * ${lit(g.o)} + o) * ${lit(g.oh)} + oh) * ${lit(g.ow)} + ow] * a1[((o * ${lit(g.c)} + c) * ${lit(g.kh)} + kh) * ${lit(g.kw)} + kw];
}
}
}
}
}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), attrs.xShape, dy.dtype, [dy, w]);
};

/** dw[o, c, kh, kw] = sum over (n, oh, ow) of x at the tap times dy. */
const conv2dBackpropFilter: KernelFn<'Conv2DBackpropFilter'> = ({ inputs: { x, dy }, attrs, backend }) => {
  const g = geometry(x.shape, attrs.wShape, attrs);
  const body = `${split4(attrs.wShape, ['o', 'c', 'kh', 'kw'])}
let acc = 0.0;
for (let n = 0.0; n < ${lit(g.n)}; n += 1.0) {
for (let oh = 0.0; oh < ${lit(g.oh)}; oh += 1.0) {
const ih = oh * ${lit(attrs.stride[0])} - ${lit(attrs.padding[0])} + kh;
if (ih >= 0.0 && ih < ${lit(g.h)}) {
for (let ow = 0.0; ow < ${lit(g.ow)}; ow += 1.0) {
const iw = ow * ${lit(attrs.stride[1])} - ${lit(attrs.padding[2])} + kw;
if (iw >= 0.0 && iw < ${lit(g.w)}) {
acc += a0[((n * ${lit(g.c)} + c) * ${lit(g.h)} + ih) * ${lit(g.w)} + iw] * a1[((n * ${lit(g.o)} + o) * ${lit(g.oh)} + oh) * ${lit(g.ow)} + ow];
}
}
}
}
}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), attrs.wShape, x.dtype, [x, dy]);
};

export const convKernels: GpuKernels<ConvKernel> = {
  Conv2D: refusing('Conv2D', conv2d),
  Conv2DBackpropInput: refusing('Conv2DBackpropInput', conv2dBackpropInput),
  Conv2DBackpropFilter: refusing('Conv2DBackpropFilter', conv2dBackpropFilter),
};

export { split4 };
