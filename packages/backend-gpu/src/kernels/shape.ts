/** Data movement: Reshape (free: same data), BroadcastTo, Transpose, Slice, Concat, Pad. */
import type { Shape, TensorInfo } from '@nn/tensor';
import { type KernelFn, stridesOf } from '@nn/tensor/backend';
import { dot, kernelSource, lit, nanOf, negInfOf, unravel } from '../codegen';
import { broadcastSource } from './binary';
import { type GpuKernels, gpuOf } from './util';

/** A texture holds at most this many inputs of one shader (WebGL guarantees 8 texture units). */
const MAX_INPUTS = 8;

const reshape: KernelFn<'Reshape'> = ({ inputs: { x }, outputs: [out] }) => ({
  dataId: x.dataId,
  shape: out.shape,
  dtype: out.dtype,
});

const broadcastTo: KernelFn<'BroadcastTo'> = ({ inputs: { x }, outputs: [out], backend }) =>
  gpuOf(backend).compute(broadcastSource([x], out.shape, 'x'), out.shape, out.dtype, [x]);

const transpose: KernelFn<'Transpose'> = ({ inputs: { x }, attrs: { perm }, outputs: [out], backend }) => {
  const inStrides = stridesOf(x.shape);
  const { code, coords } = unravel(out.shape, 'o');
  const offset = dot(
    coords,
    perm.map((axis) => inStrides[axis]!),
  );
  return gpuOf(backend).compute(kernelSource(1, `${code}\nreturn a0[${offset}];`), out.shape, out.dtype, [x]);
};

/** The flat offset of `begin` is a uniform (u0): slicing batch after batch reuses one compiled kernel. */
const slice: KernelFn<'Slice'> = ({ inputs: { x }, attrs: { begin }, outputs: [out], backend }) => {
  const strides = stridesOf(x.shape);
  const { code, coords } = unravel(out.shape, 'o');
  const base = begin.reduce((acc, b, axis) => acc + b * strides[axis]!, 0);
  const source = kernelSource(1, `${code}\nreturn a0[u0 + ${dot(coords, strides)}];`, 1);
  return gpuOf(backend).compute(source, out.shape, out.dtype, [x], [base]);
};

function concatSource(parts: readonly TensorInfo[], axis: number, shape: Shape): string {
  const { code, coords } = unravel(shape, 'o');
  const lines = [code];
  let start = 0;
  parts.forEach((part, k) => {
    const length = part.shape[axis]!;
    if (length === 0) return;
    const partCoords = coords.map((c, a) => (a === axis ? `(${c} - ${lit(start)})` : c));
    start += length;
    lines.push(`if (${coords[axis]!} < ${lit(start)}) { return a${k}[${dot(partCoords, stridesOf(part.shape))}]; }`);
  });
  lines.push('return 0.0;');
  return kernelSource(parts.length, lines.join('\n'));
}

const concat: KernelFn<'Concat'> = ({ inputs: { tensors }, attrs: { axis }, outputs, backend }) => {
  const gpu = gpuOf(backend);
  const [out] = outputs;
  if (tensors.length <= MAX_INPUTS)
    return gpu.compute(concatSource(tensors, axis, out.shape), out.shape, out.dtype, tensors);
  // More parts than texture units: concatenate groups (each the output's shape but for its length along `axis`),
  // then the groups, freeing the intermediates.
  const groups: TensorInfo[] = [];
  for (let k = 0; k < tensors.length; k += MAX_INPUTS) {
    const parts = tensors.slice(k, k + MAX_INPUTS);
    const length = parts.reduce((sum, t) => sum + t.shape[axis]!, 0);
    const shape = out.shape.map((d, a) => (a === axis ? length : d));
    groups.push(gpu.compute(concatSource(parts, axis, shape), shape, out.dtype, parts));
  }
  const result = concat({ inputs: { tensors: groups }, attrs: { axis }, outputs, backend });
  for (const g of groups) gpu.disposeData(g.dataId);
  return result;
};

/** The pad value as a shader expression: GLSL has no literal for NaN or the infinities, so they are made at run time. */
function padValue(value: number): string {
  if (Number.isNaN(value)) return nanOf('i + 1.0');
  if (value === -Infinity) return negInfOf('i + 1.0');
  if (value === Infinity) return `-(${negInfOf('i + 1.0')})`;
  return lit(value);
}

const pad: KernelFn<'Pad'> = ({ inputs: { x }, attrs: { paddings, value }, outputs: [out], backend }) => {
  const { code, coords } = unravel(out.shape, 'o');
  const inside = coords.map(
    (c, a) => `${c} >= ${lit(paddings[a]![0])} && ${c} < ${lit(paddings[a]![0] + x.shape[a]!)}`,
  );
  // Clamped so that no mode ever reads outside the input, even where both ternary branches are evaluated.
  const clamps = coords.map((c, a) => {
    const last = lit(Math.max(x.shape[a]! - 1, 0));
    return `const p${a} = ${c} - ${lit(paddings[a]![0])};\nconst q${a} = p${a} < 0.0 ? 0.0 : (p${a} > ${last} ? ${last} : p${a});`;
  });
  const clamped = coords.map((_, a) => `q${a}`);
  const body = `${code}\n${clamps.join('\n')}\nconst v = a0[${dot(clamped, stridesOf(x.shape))}];\nreturn (${inside.join(' && ') || 'true'}) ? v : ${padValue(value)};`;
  return gpuOf(backend).compute(kernelSource(1, body), out.shape, out.dtype, [x]);
};

export const shapeKernels: GpuKernels<'Reshape' | 'BroadcastTo' | 'Transpose' | 'Slice' | 'Concat' | 'Pad'> = {
  Reshape: reshape,
  BroadcastTo: broadcastTo,
  Transpose: transpose,
  Slice: slice,
  Concat: concat,
  Pad: pad,
};
