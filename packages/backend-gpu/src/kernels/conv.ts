/**
 * Conv2D (NCHW, weights [outC, inC / groups, kH, kW]) and its two backward kernels, as direct loops: one thread per
 * output element, no im2col buffer. Out-of-image taps (padding) are skipped; taps are `dilation` pixels apart; output
 * channel o of group g = floor(o / (outC / groups)) reads input channels [g * cpg, (g + 1) * cpg), cpg = inC / groups.
 * The geometry comes from the spec's resolved shapes (`convGeometry`).
 */
import { type ConvGeometry, convGeometry, type KernelFn } from '@nn/tensor/backend';
import { kernelSource, lit } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

type ConvKernel = 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';

/** Input channels per group (the weight's second axis) and output channels per group. */
function perGroup(g: ConvGeometry): { cpg: number; opg: number } {
  return { cpg: g.inChannels / g.groups, opg: g.outChannels / g.groups };
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
  const { cpg, opg } = perGroup(g);
  const body = `${split4(out.shape, ['n', 'o', 'oh', 'ow'])}
const c0 = Math.floor((o + 0.5) / ${lit(opg)}) * ${lit(cpg)};
let acc = 0.0;
for (let c = 0.0; c < ${lit(cpg)}; c += 1.0) {
for (let kh = 0.0; kh < ${lit(g.kernelHeight)}; kh += 1.0) {
const ih = oh * ${lit(g.strideH)} - ${lit(g.padTop)} + kh * ${lit(g.dilationH)};
for (let kw = 0.0; kw < ${lit(g.kernelWidth)}; kw += 1.0) {
const iw = ow * ${lit(g.strideW)} - ${lit(g.padLeft)} + kw * ${lit(g.dilationW)};
if (ih >= 0.0 && ih < ${lit(g.inHeight)} && iw >= 0.0 && iw < ${lit(g.inWidth)}) {
acc += a0[((n * ${lit(g.inChannels)} + c0 + c) * ${lit(g.inHeight)} + ih) * ${lit(g.inWidth)} + iw] * a1[((o * ${lit(cpg)} + c) * ${lit(g.kernelHeight)} + kh) * ${lit(g.kernelWidth)} + kw];
}
}
}
}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), out.shape, out.dtype, [x, w]);
};

/**
 * dx[n, c, ih, iw] = sum over (o, kh, kw) whose output position (oh, ow) lands on an integer stride step; o runs over
 * the output channels of c's group, and c is channel c - g * cpg of their weights.
 */
const conv2dBackpropInput: KernelFn<'Conv2DBackpropInput'> = ({
  inputs: { dy, w },
  attrs,
  outputs: [out],
  backend,
}) => {
  const g = convGeometry(out.shape, w.shape, dy.shape, attrs);
  const { cpg, opg } = perGroup(g);
  const body = `${split4(out.shape, ['n', 'c', 'ih', 'iw'])}
const group = Math.floor((c + 0.5) / ${lit(cpg)});
const cw = c - group * ${lit(cpg)};
let acc = 0.0;
for (let oo = 0.0; oo < ${lit(opg)}; oo += 1.0) {
const o = group * ${lit(opg)} + oo;
for (let kh = 0.0; kh < ${lit(g.kernelHeight)}; kh += 1.0) {
const th = ih + ${lit(g.padTop)} - kh * ${lit(g.dilationH)};
const oh = Math.floor((th + 0.5) / ${lit(g.strideH)});
if (th >= 0.0 && oh * ${lit(g.strideH)} == th && oh < ${lit(g.outHeight)}) {
for (let kw = 0.0; kw < ${lit(g.kernelWidth)}; kw += 1.0) {
const tw = iw + ${lit(g.padLeft)} - kw * ${lit(g.dilationW)};
const ow = Math.floor((tw + 0.5) / ${lit(g.strideW)});
if (tw >= 0.0 && ow * ${lit(g.strideW)} == tw && ow < ${lit(g.outWidth)}) {
acc += a0[((n * ${lit(g.outChannels)} + o) * ${lit(g.outHeight)} + oh) * ${lit(g.outWidth)} + ow] * a1[((o * ${lit(cpg)} + cw) * ${lit(g.kernelHeight)} + kh) * ${lit(g.kernelWidth)} + kw];
}
}
}
}
}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), out.shape, out.dtype, [dy, w]);
};

/** dw[o, c, kh, kw] = sum over (n, oh, ow) of x at the tap (channel c of o's group) times dy. */
const conv2dBackpropFilter: KernelFn<'Conv2DBackpropFilter'> = ({
  inputs: { x, dy },
  attrs,
  outputs: [out],
  backend,
}) => {
  const g = convGeometry(x.shape, out.shape, dy.shape, attrs);
  const { cpg, opg } = perGroup(g);
  const body = `${split4(out.shape, ['o', 'c', 'kh', 'kw'])}
const cx = Math.floor((o + 0.5) / ${lit(opg)}) * ${lit(cpg)} + c;
let acc = 0.0;
for (let n = 0.0; n < ${lit(g.batch)}; n += 1.0) {
for (let oh = 0.0; oh < ${lit(g.outHeight)}; oh += 1.0) {
const ih = oh * ${lit(g.strideH)} - ${lit(g.padTop)} + kh * ${lit(g.dilationH)};
if (ih >= 0.0 && ih < ${lit(g.inHeight)}) {
for (let ow = 0.0; ow < ${lit(g.outWidth)}; ow += 1.0) {
const iw = ow * ${lit(g.strideW)} - ${lit(g.padLeft)} + kw * ${lit(g.dilationW)};
if (iw >= 0.0 && iw < ${lit(g.inWidth)}) {
acc += a0[((n * ${lit(g.inChannels)} + cx) * ${lit(g.inHeight)} + ih) * ${lit(g.inWidth)} + iw] * a1[((n * ${lit(g.outChannels)} + o) * ${lit(g.outHeight)} + oh) * ${lit(g.outWidth)} + ow];
}
}
}
}
}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), out.shape, out.dtype, [x, dy]);
};

export const convKernels: GpuKernels<ConvKernel> = {
  Conv2D: conv2d,
  Conv2DBackpropInput: conv2dBackpropInput,
  Conv2DBackpropFilter: conv2dBackpropFilter,
};
