/**
 * Conv2D (NCHW, weights [outC, inC, kH, kW]) and its two backward kernels, as direct loops: one thread per
 * output element, no im2col buffer. Out-of-image taps (padding) are skipped. The geometry comes from the spec's
 * resolved shapes (`convGeometry`). Dilated and grouped calls are declared in ../not-implemented.ts and run the
 * reference kernel on the host (reported).
 */
import type { KernelName } from '@nn/tensor';
import { convGeometry, type KernelArgs, type KernelFn, refusesAttrs } from '@nn/tensor/backend';
import { kernelSource, lit } from '../codegen';
import { hostKernel } from './host';
import { type GpuKernels, gpuOf } from './util';

type ConvKernel = 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';

/** `kernel`, or the reference kernel on the host (reported) for the attribute values the backend declares. */
function refusing<K extends ConvKernel & KernelName>(name: K, kernel: KernelFn<K>): KernelFn<K> {
  return (args: KernelArgs<K>) =>
    refusesAttrs(args.backend, name, args.attrs) ? hostKernel(name, args) : kernel(args);
}

/** Statements splitting `i` into the four NCHW coordinates named `names`. */
export function split4(dims: readonly number[], names: readonly string[]): string {
  const [, d1, d2, d3] = dims as [number, number, number, number];
  return `const ${names[0]} = Math.floor((i + 0.5) / ${lit(d1 * d2 * d3)});
let rest = i - ${names[0]} * ${lit(d1 * d2 * d3)};
const ${names[1]} = Math.floor((rest + 0.5) / ${lit(d2 * d3)});
rest = rest - ${names[1]} * ${lit(d2 * d3)};
const ${names[2]} = Math.floor((rest + 0.5) / ${lit(d3)});
const ${names[3]} = rest - ${names[2]} * ${lit(d3)};`;
}

const conv2d: KernelFn<'Conv2D'> = ({ inputs: { x, w }, attrs, outputs: [out], backend }) => {
  const g = convGeometry(x.shape, w.shape, out.shape, attrs);
  const body = `${split4(out.shape, ['n', 'o', 'oh', 'ow'])}
let acc = 0.0;
for (let c = 0.0; c < ${lit(g.inChannels)}; c += 1.0) {
for (let kh = 0.0; kh < ${lit(g.kernelHeight)}; kh += 1.0) {
const ih = oh * ${lit(g.strideH)} - ${lit(g.padTop)} + kh;
for (let kw = 0.0; kw < ${lit(g.kernelWidth)}; kw += 1.0) {
const iw = ow * ${lit(g.strideW)} - ${lit(g.padLeft)} + kw;
if (ih >= 0.0 && ih < ${lit(g.inHeight)} && iw >= 0.0 && iw < ${lit(g.inWidth)}) {
acc += a0[((n * ${lit(g.inChannels)} + c) * ${lit(g.inHeight)} + ih) * ${lit(g.inWidth)} + iw] * a1[((o * ${lit(g.inChannels)} + c) * ${lit(g.kernelHeight)} + kh) * ${lit(g.kernelWidth)} + kw];
}
}
}
}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), out.shape, out.dtype, [x, w]);
};

/** dx[n, c, ih, iw] = sum over (o, kh, kw) whose output position (oh, ow) lands on an integer stride step. */
const conv2dBackpropInput: KernelFn<'Conv2DBackpropInput'> = ({
  inputs: { dy, w },
  attrs,
  outputs: [out],
  backend,
}) => {
  const g = convGeometry(out.shape, w.shape, dy.shape, attrs);
  const body = `${split4(out.shape, ['n', 'c', 'ih', 'iw'])}
let acc = 0.0;
for (let o = 0.0; o < ${lit(g.outChannels)}; o += 1.0) {
for (let kh = 0.0; kh < ${lit(g.kernelHeight)}; kh += 1.0) {
const th = ih + ${lit(g.padTop)} - kh;
const oh = Math.floor((th + 0.5) / ${lit(g.strideH)});
if (th >= 0.0 && oh * ${lit(g.strideH)} == th && oh < ${lit(g.outHeight)}) {
for (let kw = 0.0; kw < ${lit(g.kernelWidth)}; kw += 1.0) {
const tw = iw + ${lit(g.padLeft)} - kw;
const ow = Math.floor((tw + 0.5) / ${lit(g.strideW)});
if (tw >= 0.0 && ow * ${lit(g.strideW)} == tw && ow < ${lit(g.outWidth)}) {
acc += a0[((n * ${lit(g.outChannels)} + o) * ${lit(g.outHeight)} + oh) * ${lit(g.outWidth)} + ow] * a1[((o * ${lit(g.inChannels)} + c) * ${lit(g.kernelHeight)} + kh) * ${lit(g.kernelWidth)} + kw];
}
}
}
}
}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), out.shape, out.dtype, [dy, w]);
};

/** dw[o, c, kh, kw] = sum over (n, oh, ow) of x at the tap times dy. */
const conv2dBackpropFilter: KernelFn<'Conv2DBackpropFilter'> = ({
  inputs: { x, dy },
  attrs,
  outputs: [out],
  backend,
}) => {
  const g = convGeometry(x.shape, out.shape, dy.shape, attrs);
  const body = `${split4(out.shape, ['o', 'c', 'kh', 'kw'])}
let acc = 0.0;
for (let n = 0.0; n < ${lit(g.batch)}; n += 1.0) {
for (let oh = 0.0; oh < ${lit(g.outHeight)}; oh += 1.0) {
const ih = oh * ${lit(g.strideH)} - ${lit(g.padTop)} + kh;
if (ih >= 0.0 && ih < ${lit(g.inHeight)}) {
for (let ow = 0.0; ow < ${lit(g.outWidth)}; ow += 1.0) {
const iw = ow * ${lit(g.strideW)} - ${lit(g.padLeft)} + kw;
if (iw >= 0.0 && iw < ${lit(g.inWidth)}) {
acc += a0[((n * ${lit(g.inChannels)} + c) * ${lit(g.inHeight)} + ih) * ${lit(g.inWidth)} + iw] * a1[((n * ${lit(g.outChannels)} + o) * ${lit(g.outHeight)} + oh) * ${lit(g.outWidth)} + ow];
}
}
}
}
}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), out.shape, out.dtype, [x, dy]);
};

export const convKernels: GpuKernels<ConvKernel> = {
  Conv2D: refusing('Conv2D', conv2d),
  Conv2DBackpropInput: refusing('Conv2DBackpropInput', conv2dBackpropInput),
  Conv2DBackpropFilter: refusing('Conv2DBackpropFilter', conv2dBackpropFilter),
};
