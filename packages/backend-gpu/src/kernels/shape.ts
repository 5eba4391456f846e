/** Data movement: Reshape (free: same data), BroadcastTo, Transpose, Slice, Concat, Pad. */
import type { TensorInfo } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import { dot, kernelSource, lit, stridesOf, unravel } from '../codegen';
import { broadcastSource } from './binary';
import { hostKernel } from './host';
import { type GpuKernels, gpuOf } from './util';

/** A texture holds at most this many inputs of one shader (WebGL guarantees 8 texture units). */
const MAX_INPUTS = 8;

const reshape: KernelFn<'Reshape'> = ({ inputs: { x }, attrs: { shape } }) => ({
  dataId: x.dataId,
  shape,
  dtype: x.dtype,
});

const broadcastTo: KernelFn<'BroadcastTo'> = ({ inputs: { x }, attrs: { shape }, backend }) =>
  gpuOf(backend).compute(broadcastSource([x], shape, 'x'), shape, x.dtype, [x]);

const transpose: KernelFn<'Transpose'> = ({ inputs: { x }, attrs: { perm }, backend }) => {
  const inStrides = stridesOf(x.shape);
  const shape = perm.map((axis) => x.shape[axis]!);
  const { code, coords } = unravel(shape, 'o');
  const offset = dot(
    coords,
    perm.map((axis) => inStrides[axis]!),
  );
  return gpuOf(backend).compute(kernelSource(1, `${code}\nreturn a0[${offset}];`), shape, x.dtype, [x]);
};

/** The flat offset of `begin` is a uniform (u0): slicing batch after batch reuses one compiled kernel. */
const slice: KernelFn<'Slice'> = ({ inputs: { x }, attrs: { begin, size }, backend }) => {
  const strides = stridesOf(x.shape);
  const { code, coords } = unravel(size, 'o');
  const base = begin.reduce((acc, b, axis) => acc + b * strides[axis]!, 0);
  const source = kernelSource(1, `${code}\nreturn a0[u0 + ${dot(coords, strides)}];`, 1);
  return gpuOf(backend).compute(source, size, x.dtype, [x], [base]);
};

function concatSource(parts: readonly TensorInfo[], axis: number, shape: readonly number[]): string {
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
  const first = tensors[0]!;
  const concatOnce = (parts: readonly TensorInfo[]): TensorInfo => {
    const shape = first.shape.map((d, a) => (a === axis ? parts.reduce((s, t) => s + t.shape[axis]!, 0) : d));
    return gpu.compute(concatSource(parts, axis, shape), shape, first.dtype, parts);
  };
  if (tensors.length <= MAX_INPUTS) return concatOnce(tensors);
  // More parts than texture units: concatenate groups, then the groups (freeing the intermediates).
  const groups: TensorInfo[] = [];
  for (let k = 0; k < tensors.length; k += MAX_INPUTS) groups.push(concatOnce(tensors.slice(k, k + MAX_INPUTS)));
  const out = concat({ inputs: { tensors: groups }, attrs: { axis }, outputs, backend });
  for (const g of groups) gpu.disposeData(g.dataId);
  return out;
};

const pad: KernelFn<'Pad'> = (args) => {
  const {
    inputs: { x },
    attrs: { paddings, value },
    backend,
  } = args;
  const shape = x.shape.map((d, a) => d + paddings[a]![0] + paddings[a]![1]);
  if (!Number.isFinite(value)) return hostKernel('Pad', args, shape, x.dtype);
  const { code, coords } = unravel(shape, 'o');
  const inside = coords.map(
    (c, a) => `${c} >= ${lit(paddings[a]![0])} && ${c} < ${lit(paddings[a]![0] + x.shape[a]!)}`,
  );
  // Clamped so that no mode ever reads outside the input, even where both ternary branches are evaluated.
  const clamps = coords.map((c, a) => {
    const last = lit(Math.max(x.shape[a]! - 1, 0));
    return `const p${a} = ${c} - ${lit(paddings[a]![0])};\nconst q${a} = p${a} < 0.0 ? 0.0 : (p${a} > ${last} ? ${last} : p${a});`;
  });
  const clamped = coords.map((_, a) => `q${a}`);
  const body = `${code}\n${clamps.join('\n')}\nconst v = a0[${dot(clamped, stridesOf(x.shape))}];\nreturn (${inside.join(' && ') || 'true'}) ? v : ${lit(value)};`;
  return gpuOf(backend).compute(kernelSource(1, body), shape, x.dtype, [x]);
};

export const shapeKernels: GpuKernels<'Reshape' | 'BroadcastTo' | 'Transpose' | 'Slice' | 'Concat' | 'Pad'> = {
  Reshape: reshape,
  BroadcastTo: broadcastTo,
  Transpose: transpose,
  Slice: slice,
  Concat: concat,
  Pad: pad,
};
