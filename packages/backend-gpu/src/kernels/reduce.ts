/** Reductions: Sum, Max, Min over sorted axes, ArgMax along one axis. One thread per output element. */
import type { Shape, TensorInfo } from '@nn/tensor';
import { type KernelFn, sizeOf, stridesOf } from '@nn/tensor/backend';
import { dot, kernelSource, lit, loops, unravel } from '../codegen';
import { hostKernel } from './host';
import { type GpuKernels, gpuOf } from './util';

interface Split {
  /** Flat offset in x of the first element reduced into output element `i`. */
  base: string;
  prelude: string;
  reducedDims: number[];
  reducedStrides: number[];
}

/** x's axes split into those kept (the output `outShape`, resolved by the spec) and the reduced `axes`. */
function split(x: TensorInfo, axes: readonly number[], outShape: Shape): Split {
  const strides = stridesOf(x.shape);
  const kept = x.shape.map((_, axis) => axis).filter((axis) => !axes.includes(axis));
  const { code, coords } = unravel(outShape, 'o');
  return {
    base: dot(
      coords,
      kept.map((axis) => strides[axis]!),
    ),
    prelude: code,
    reducedDims: axes.map((axis) => x.shape[axis]!),
    reducedStrides: axes.map((axis) => strides[axis]!),
  };
}

/** acc starts at `init` (may read `a0[base]`), then `step` runs for every reduced element `v`. */
function reduceSource(s: Split, init: string, step: string): string {
  const loop = loops(s.reducedDims, s.reducedStrides, 'r');
  return kernelSource(
    1,
    `${s.prelude}
const base = ${s.base};
let acc = ${init};
${loop.open}
const v = a0[base + ${loop.offset}];
${step}
${loop.close}
return acc;`,
  );
}

const sum: KernelFn<'Sum'> = ({ inputs: { x }, attrs: { axes }, outputs: [out], backend }) => {
  const s = split(x, axes, out.shape);
  return gpuOf(backend).compute(reduceSource(s, '0.0', 'acc += v;'), out.shape, out.dtype, [x]);
};

// NaN propagates (once acc is NaN no comparison replaces it), as in torch.
const max: KernelFn<'Max'> = ({ inputs: { x }, attrs: { axes }, outputs: [out], backend }) => {
  const s = split(x, axes, out.shape);
  const source = reduceSource(s, 'a0[base]', 'if (v > acc || v != v) { acc = v; }');
  return gpuOf(backend).compute(source, out.shape, out.dtype, [x]);
};

const min: KernelFn<'Min'> = ({ inputs: { x }, attrs: { axes }, outputs: [out], backend }) => {
  const s = split(x, axes, out.shape);
  const source = reduceSource(s, 'a0[base]', 'if (v < acc || v != v) { acc = v; }');
  return gpuOf(backend).compute(source, out.shape, out.dtype, [x]);
};

/** Index of the first maximum; a NaN counts as the maximum (its first occurrence wins). */
const argMax: KernelFn<'ArgMax'> = ({ inputs: { x }, attrs: { axis }, outputs: [out], backend }) => {
  const s = split(x, [axis], out.shape);
  const stride = s.reducedStrides[0]!;
  const source = kernelSource(
    1,
    `${s.prelude}
const base = ${s.base};
let best = a0[base];
let index = 0.0;
for (let r = 1.0; r < ${lit(s.reducedDims[0]!)}; r += 1.0) {
const v = a0[base + r * ${lit(stride)}];
if ((v > best || v != v) && best == best) { best = v; index = r; }
}
return index;`,
  );
  return gpuOf(backend).compute(source, out.shape, out.dtype, [x]);
};

/**
 * Running sum along `axis`: each output element sums its prefix (its suffix when `reverse`) with a loop over the
 * whole axis (literal bounds, as GLSL ES 1.0 needs). int32 runs on the host (declared): the device stores it as
 * float32, which neither holds every int32 nor wraps.
 */
const cumsum: KernelFn<'Cumsum'> = (args) => {
  const {
    inputs: { x },
    attrs: { axis, reverse },
    outputs: [out],
    backend,
  } = args;
  if (x.dtype === 'int32') return hostKernel('Cumsum', args);
  const length = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const body = `const outer = Math.floor((i + 0.5) / ${lit(length * inner)});
const rest = i - outer * ${lit(length * inner)};
const at = Math.floor((rest + 0.5) / ${lit(inner)});
const base = i - at * ${lit(inner)};
let acc = 0.0;
for (let k = 0.0; k < ${lit(length)}; k += 1.0) {
if (k ${reverse ? '>=' : '<='} at) { acc += a0[base + k * ${lit(inner)}]; }
}
return acc;`;
  return gpuOf(backend).compute(kernelSource(1, body), out.shape, out.dtype, [x]);
};

export const reduceKernels: GpuKernels<'Sum' | 'Max' | 'Min' | 'ArgMax' | 'Cumsum'> = {
  Sum: sum,
  Max: max,
  Min: min,
  ArgMax: argMax,
  Cumsum: cumsum,
};
