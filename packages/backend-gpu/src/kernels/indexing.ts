/** Gather, its adjoint ScatterAdd, and OneHot. Indices are int32 stored as exact floats on the device. */
import { type KernelFn, sizeOf, stridesOf } from '@nn/tensor/backend';
import { dot, kernelSource, lit, unravel } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

/** The output is [...x.shape[:axis], ...indices.shape, ...x.shape[axis + 1:]] (resolved by the spec). */
const gather: KernelFn<'Gather'> = ({ inputs: { x, indices }, attrs: { axis }, outputs: [out], backend }) => {
  const xStrides = stridesOf(x.shape);
  const { code, coords } = unravel(out.shape, 'o');
  const outerCoords = coords.slice(0, axis);
  const indexCoords = coords.slice(axis, axis + indices.shape.length);
  const innerCoords = coords.slice(axis + indices.shape.length);
  const offset = [
    dot(outerCoords, xStrides.slice(0, axis)),
    `a1[${dot(indexCoords, stridesOf(indices.shape))}] * ${lit(xStrides[axis]!)}`,
    dot(innerCoords, xStrides.slice(axis + 1)),
  ].join(' + ');
  const source = kernelSource(2, `${code}\nreturn a0[${offset}];`);
  return gpuOf(backend).compute(source, out.shape, out.dtype, [x, indices]);
};

/** out[outer, s, inner] = sum over j with indices[j] == s of updates[outer, j, inner]: one thread per output. */
const scatterAdd: KernelFn<'ScatterAdd'> = ({
  inputs: { updates, indices },
  attrs: { axis },
  outputs: [out],
  backend,
}) => {
  // The output is [...outer, size, ...inner]; updates are [...outer, ...indices.shape, ...inner].
  const outer = out.shape.slice(0, axis);
  const inner = out.shape.slice(axis + 1);
  const count = sizeOf(indices.shape);
  const innerSize = sizeOf(inner);
  const { code, coords } = unravel(out.shape, 'o');
  const outerFlat = dot(coords.slice(0, axis), stridesOf(outer));
  const innerFlat = dot(coords.slice(axis + 1), stridesOf(inner));
  const body = `${code}
const base = (${outerFlat}) * ${lit(count * innerSize)} + ${innerFlat};
let acc = 0.0;
for (let j = 0.0; j < ${lit(count)}; j += 1.0) {
if (a1[j] == ${coords[axis]!}) { acc += a0[base + j * ${lit(innerSize)}]; }
}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), out.shape, out.dtype, [updates, indices]);
};

/** Out-of-range indices give a row of zeros. */
const oneHot: KernelFn<'OneHot'> = ({ inputs: { indices }, attrs: { depth }, outputs: [out], backend }) => {
  const body = `const row = Math.floor((i + 0.5) / ${lit(depth)});
const d = i - row * ${lit(depth)};
return a0[row] == d ? 1.0 : 0.0;`;
  return gpuOf(backend).compute(kernelSource(1, body), out.shape, out.dtype, [indices]);
};

export const indexingKernels: GpuKernels<'Gather' | 'ScatterAdd' | 'OneHot'> = {
  Gather: gather,
  ScatterAdd: scatterAdd,
  OneHot: oneHot,
};
