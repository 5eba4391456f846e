/** Gather, its adjoint ScatterAdd, and OneHot. Indices are int32 stored as exact floats on the device. */
import type { KernelFn } from '@nn/tensor/backend';
import { dot, kernelSource, lit, stridesOf, unravel } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

const gather: KernelFn<'Gather'> = ({ inputs: { x, indices }, attrs: { axis }, backend }) => {
  const outer = x.shape.slice(0, axis);
  const inner = x.shape.slice(axis + 1);
  const shape = [...outer, ...indices.shape, ...inner];
  const xStrides = stridesOf(x.shape);
  const { code, coords } = unravel(shape, 'o');
  const outerCoords = coords.slice(0, outer.length);
  const indexCoords = coords.slice(outer.length, outer.length + indices.shape.length);
  const innerCoords = coords.slice(outer.length + indices.shape.length);
  const offset = [
    dot(outerCoords, xStrides.slice(0, axis)),
    `a1[${dot(indexCoords, stridesOf(indices.shape))}] * ${lit(xStrides[axis]!)}`,
    dot(innerCoords, xStrides.slice(axis + 1)),
  ].join(' + ');
  return gpuOf(backend).compute(kernelSource(2, `${code}\nreturn a0[${offset}];`), shape, x.dtype, [x, indices]);
};

/** out[outer, s, inner] = sum over j with indices[j] == s of updates[outer, j, inner]: one thread per output. */
const scatterAdd: KernelFn<'ScatterAdd'> = ({ inputs: { updates, indices }, attrs: { axis, size }, backend }) => {
  const outer = updates.shape.slice(0, axis);
  const inner = updates.shape.slice(axis + indices.shape.length);
  const count = indices.shape.reduce((s, d) => s * d, 1);
  const innerSize = inner.reduce((s, d) => s * d, 1);
  const shape = [...outer, size, ...inner];
  const { code, coords } = unravel(shape, 'o');
  const outerFlat = dot(coords.slice(0, axis), stridesOf(outer));
  const innerFlat = dot(coords.slice(axis + 1), stridesOf(inner));
  const body = `${code}
const base = (${outerFlat}) * ${lit(count * innerSize)} + ${innerFlat};
let acc = 0.0;
for (let j = 0.0; j < ${lit(count)}; j += 1.0) {
if (a1[j] == ${coords[axis]!}) { acc += a0[base + j * ${lit(innerSize)}]; }
}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), shape, updates.dtype, [updates, indices]);
};

/** Out-of-range indices give a row of zeros. */
const oneHot: KernelFn<'OneHot'> = ({ inputs: { indices }, attrs: { depth }, backend }) => {
  const body = `const row = Math.floor((i + 0.5) / ${lit(depth)});
const d = i - row * ${lit(depth)};
return a0[row] == d ? 1.0 : 0.0;`;
  return gpuOf(backend).compute(kernelSource(1, body), [...indices.shape, depth], 'float32', [indices]);
};

export const indexingKernels: GpuKernels<'Gather' | 'ScatterAdd' | 'OneHot'> = {
  Gather: gather,
  ScatterAdd: scatterAdd,
  OneHot: oneHot,
};
