/** Reductions: Sum, Max, Min over sorted axes, ArgMax along one axis. One thread per output element. */
import type { TensorInfo } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import { dot, kernelSource, lit, loops, stridesOf, unravel } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

interface Split {
  outShape: number[];
  /** Flat offset in x of the first element reduced into output element `i`. */
  base: string;
  prelude: string;
  reducedDims: number[];
  reducedStrides: number[];
}

function split(x: TensorInfo, axes: readonly number[]): Split {
  const strides = stridesOf(x.shape);
  const kept = x.shape.map((_, axis) => axis).filter((axis) => !axes.includes(axis));
  const outShape = kept.map((axis) => x.shape[axis]!);
  const { code, coords } = unravel(outShape, 'o');
  return {
    outShape,
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

const sum: KernelFn<'Sum'> = ({ inputs: { x }, attrs: { axes }, backend }) => {
  const s = split(x, axes);
  return gpuOf(backend).compute(reduceSource(s, '0.0', 'acc += v;'), s.outShape, x.dtype, [x]);
};

// NaN propagates (once acc is NaN no comparison replaces it), as in torch.
const max: KernelFn<'Max'> = ({ inputs: { x }, attrs: { axes }, backend }) => {
  const s = split(x, axes);
  const source = reduceSource(s, 'a0[base]', 'if (v > acc || v != v) { acc = v; }');
  return gpuOf(backend).compute(source, s.outShape, x.dtype, [x]);
};

const min: KernelFn<'Min'> = ({ inputs: { x }, attrs: { axes }, backend }) => {
  const s = split(x, axes);
  const source = reduceSource(s, 'a0[base]', 'if (v < acc || v != v) { acc = v; }');
  return gpuOf(backend).compute(source, s.outShape, x.dtype, [x]);
};

/** Index of the first maximum; a NaN counts as the maximum (its first occurrence wins). */
const argMax: KernelFn<'ArgMax'> = ({ inputs: { x }, attrs: { axis }, backend }) => {
  const s = split(x, [axis]);
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
  return gpuOf(backend).compute(source, s.outShape, 'int32', [x]);
};

export const reduceKernels: GpuKernels<'Sum' | 'Max' | 'Min' | 'ArgMax'> = {
  Sum: sum,
  Max: max,
  Min: min,
  ArgMax: argMax,
};
