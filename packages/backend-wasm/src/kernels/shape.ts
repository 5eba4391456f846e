/**
 * Data movement inside the wasm heap, in 32-bit words (bit-exact for float32 and int32): Transpose, Slice,
 * Pad, BroadcastTo and Concat are one wasm strided copy (or tiled transpose) each; Gather and OneHot are
 * typed-array copies; Reshape shares storage. ScatterAdd takes the reference path (it sums in float64, which
 * the reference does exactly).
 */
import type { TensorInfo } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { broadcastStrides, contiguousStrides, sizeOf, stridedCopy } from '../strided';
import { referenceKernel } from './reference';

/** Same storage, new shape: the engine counts references to a dataId, so sharing is free and safe. */
const reshape: KernelFn<'Reshape'> = ({ inputs: { x }, attrs: { shape } }) => ({
  dataId: x.dataId,
  shape: [...shape],
  dtype: x.dtype,
});

/** Word offset of a tensor's storage in the heap's Int32Array view. */
function words(backend: WasmBackend, t: TensorInfo): number {
  return backend.ptr(t) >> 2;
}

const broadcastTo: KernelFn<'BroadcastTo'> = ({ inputs: { x }, attrs: { shape }, backend: base }) => {
  const backend = base as WasmBackend;
  const { info, data } = backend.output(shape, x.dtype);
  stridedCopy(backend, words(backend, x), broadcastStrides(x.shape, shape), shape, data.ptr >> 2);
  return info;
};

const transpose: KernelFn<'Transpose'> = ({ inputs: { x }, attrs: { perm }, backend: base }) => {
  const backend = base as WasmBackend;
  const shape = perm.map((axis) => x.shape[axis]!);
  const { info, data } = backend.output(shape, x.dtype);
  const rank = x.shape.length;
  const swapsLastTwo = rank >= 2 && perm[rank - 2] === rank - 1 && perm[rank - 1] === rank - 2;
  if (swapsLastTwo && perm.slice(0, -2).every((axis, i) => axis === i)) {
    // Matrix transposes (batched or not): tiled in wasm.
    const rows = x.shape[rank - 2]!;
    const cols = x.shape[rank - 1]!;
    backend.exports.transpose2d(backend.ptr(x), data.ptr, sizeOf(x.shape.slice(0, -2)), rows, cols);
    return info;
  }
  const inStrides = contiguousStrides(x.shape);
  stridedCopy(
    backend,
    words(backend, x),
    perm.map((axis) => inStrides[axis]!),
    shape,
    data.ptr >> 2,
  );
  return info;
};

const slice: KernelFn<'Slice'> = ({ inputs: { x }, attrs: { begin, size }, backend: base }) => {
  const backend = base as WasmBackend;
  const { info, data } = backend.output(size, x.dtype);
  const inStrides = contiguousStrides(x.shape);
  const offset = begin.reduce((sum, b, axis) => sum + b * inStrides[axis]!, 0);
  if (sizeOf(size) > 0) stridedCopy(backend, words(backend, x) + offset, inStrides, size, data.ptr >> 2);
  return info;
};

const concat: KernelFn<'Concat'> = ({ inputs: { tensors }, attrs: { axis }, backend: base }) => {
  const backend = base as WasmBackend;
  const first = tensors[0]!;
  const shape = [...first.shape];
  shape[axis] = tensors.reduce((sum, t) => sum + t.shape[axis]!, 0);
  const { info, data } = backend.output(shape, first.dtype);
  const outer = sizeOf(shape.slice(0, axis));
  const outRow = sizeOf(shape.slice(axis));
  let column = 0;
  for (const t of tensors) {
    // Each input is an [outer, chunk] block written at a column offset of the [outer, outRow] output.
    const chunk = sizeOf(t.shape.slice(axis));
    if (chunk > 0 && outer > 0) {
      stridedCopy(backend, words(backend, t), [chunk, 1], [outer, chunk], (data.ptr >> 2) + column, [outRow, 1]);
    }
    column += chunk;
  }
  return info;
};

const pad: KernelFn<'Pad'> = ({ inputs: { x }, attrs: { paddings, value }, backend: base }) => {
  const backend = base as WasmBackend;
  const shape = x.shape.map((d, axis) => d + paddings[axis]![0] + paddings[axis]![1]);
  const { info, data } = backend.output(shape, x.dtype);
  const start = data.ptr >> 2;
  const end = start + sizeOf(shape);
  if (x.dtype === 'int32') backend.heap.i32.fill(value, start, end);
  else backend.heap.f32.fill(value, start, end);
  if (sizeOf(x.shape) > 0) {
    // Copy x into the interior of out, writing through out's strides.
    const outStrides = contiguousStrides(shape);
    const offset = paddings.reduce((sum, [before], axis) => sum + before * outStrides[axis]!, 0);
    stridedCopy(backend, words(backend, x), contiguousStrides(x.shape), x.shape, start + offset, outStrides);
  }
  return info;
};

const gather: KernelFn<'Gather'> = ({ inputs: { x, indices }, attrs: { axis }, backend: base }) => {
  const backend = base as WasmBackend;
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const { info, data } = backend.output(shape, x.dtype);
  const heap = backend.heap.i32;
  const src = words(backend, x);
  const index = words(backend, indices);
  const outer = sizeOf(x.shape.slice(0, axis));
  const length = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const count = sizeOf(indices.shape);
  for (let o = 0; o < outer && inner > 0; o++) {
    for (let i = 0; i < count; i++) {
      const from = src + (o * length + heap[index + i]!) * inner;
      heap.copyWithin((data.ptr >> 2) + (o * count + i) * inner, from, from + inner);
    }
  }
  return info;
};

const oneHot: KernelFn<'OneHot'> = ({ inputs: { indices }, attrs: { depth }, backend: base }) => {
  const backend = base as WasmBackend;
  const count = sizeOf(indices.shape);
  const { info, data } = backend.output([...indices.shape, depth], 'float32');
  const out = data.ptr >> 2;
  const f32 = backend.heap.f32;
  const i32 = backend.heap.i32;
  f32.fill(0, out, out + count * depth);
  const index = words(backend, indices);
  for (let i = 0; i < count; i++) {
    const k = i32[index + i]!;
    // The ops layer rejects out-of-range indices; a row of zeros is the safe answer if one slips through.
    if (k >= 0 && k < depth) f32[out + i * depth + k] = 1;
  }
  return info;
};

export const shapeKernels = {
  Reshape: reshape,
  BroadcastTo: broadcastTo,
  Transpose: transpose,
  Slice: slice,
  Concat: concat,
  Pad: pad,
  Gather: gather,
  ScatterAdd: referenceKernel('ScatterAdd'),
  OneHot: oneHot,
};
