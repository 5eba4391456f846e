/**
 * LayerNorm over the trailing axes and its input gradient, fused: one thread per element, which recomputes its
 * row's mean and 1/std (two passes, as the CPU kernel) and, backward, the row sums of g = dy * weight and g * xhat.
 * O(row) work per element: no scratch textures and one launch per call.
 */
import type { TensorInfo } from '@nn/tensor';
import { type KernelFn, sizeOf } from '@nn/tensor/backend';
import { kernelSource, lit } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

/** Statements binding row, j (the index in the row), base, mean and rstd of x (input `xs`) for element `i`. */
function rowStats(n: number, xs: string, eps: number): string {
  return `const row = Math.floor((i + 0.5) / ${lit(n)});
const j = i - row * ${lit(n)};
const base = row * ${lit(n)};
let total = 0.0;
for (let k = 0.0; k < ${lit(n)}; k += 1.0) { total += ${xs}[base + k]; }
const mean = total / ${lit(n)};
let squares = 0.0;
for (let k2 = 0.0; k2 < ${lit(n)}; k2 += 1.0) { const d = ${xs}[base + k2] - mean; squares += d * d; }
const rstd = 1.0 / Math.sqrt(squares / ${lit(n)} + ${lit(eps)});`;
}

/** The elements per row: the product of x's trailing `axes` axes. */
const rowSize = (x: TensorInfo, axes: number): number => sizeOf(x.shape.slice(x.shape.length - axes));

const layerNorm: KernelFn<'LayerNorm'> = ({
  inputs: { x, weight, bias },
  attrs: { axes, eps },
  outputs: [out],
  backend,
}) => {
  const n = rowSize(x, axes);
  const inputs = [x];
  let value = '(a0[i] - mean) * rstd';
  if (weight !== undefined) value = `${value} * a${inputs.push(weight) - 1}[j]`;
  if (bias !== undefined) value = `${value} + a${inputs.push(bias) - 1}[j]`;
  const body = `${rowStats(n, 'a0', eps)}\nreturn ${value};`;
  return gpuOf(backend).compute(kernelSource(inputs.length, body), out.shape, out.dtype, inputs);
};

/** dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), with g = dy * weight and xhat = (x - mean) * rstd. */
const layerNormBackward: KernelFn<'LayerNormBackward'> = ({
  inputs: { dy, x, weight },
  attrs: { axes, eps },
  outputs: [out],
  backend,
}) => {
  const n = rowSize(x, axes);
  const inputs = weight === undefined ? [dy, x] : [dy, x, weight];
  const scale = (k: string) => (weight === undefined ? '' : ` * a2[${k}]`);
  const body = `${rowStats(n, 'a1', eps)}
let sumG = 0.0;
let sumGX = 0.0;
for (let k3 = 0.0; k3 < ${lit(n)}; k3 += 1.0) {
const g = a0[base + k3]${scale('k3')};
sumG += g;
sumGX += g * (a1[base + k3] - mean) * rstd;
}
const gi = a0[i]${scale('j')};
const xhat = (a1[i] - mean) * rstd;
return rstd * (gi - sumG / ${lit(n)} - xhat * sumGX / ${lit(n)});`;
  return gpuOf(backend).compute(kernelSource(inputs.length, body), out.shape, out.dtype, inputs);
};

export const normalizationKernels: GpuKernels<'LayerNorm' | 'LayerNormBackward'> = {
  LayerNorm: layerNorm,
  LayerNormBackward: layerNormBackward,
};
