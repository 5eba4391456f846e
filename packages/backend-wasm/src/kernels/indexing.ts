/**
 * Indexing kernels inside the wasm heap, float32 and int32: Gather and OneHot are typed-array copies of 32-bit
 * words, ScatterAdd sums in wasm (in f64, as the reference does). Output shapes are the spec's.
 */
import type { TensorInfo } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { sizeOf } from '../strided';

/** Word offset of a tensor's storage in the heap's Int32Array view. */
function words(backend: WasmBackend, t: TensorInfo): number {
  return backend.ptr(t) >>> 2;
}

const gather: KernelFn<'Gather'> = ({ inputs: { x, indices }, attrs: { axis }, outputs: [out], backend: base }) => {
  const backend = base as WasmBackend;
  const { info, data } = backend.output(out.shape, out.dtype);
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
      heap.copyWithin((data.ptr >>> 2) + (o * count + i) * inner, from, from + inner);
    }
  }
  return info;
};

const scatterAdd: KernelFn<'ScatterAdd'> = ({
  inputs: { updates, indices },
  attrs: { axis, size },
  outputs: [out],
  backend: base,
}) => {
  const backend = base as WasmBackend;
  const { info, data } = backend.output(out.shape, out.dtype);
  const outer = sizeOf(updates.shape.slice(0, axis));
  const inner = sizeOf(updates.shape.slice(axis + indices.shape.length));
  const total = sizeOf(out.shape);
  if (total === 0) return info;
  const int = out.dtype === 'int32' ? 1 : 0;
  const [u, i] = [backend.ptr(updates), backend.ptr(indices)];
  const count = sizeOf(indices.shape);
  backend.withTemp(total * 8, (acc) => backend.exports.scatterAdd(int, u, i, data.ptr, outer, count, inner, size, acc));
  return info;
};

const oneHot: KernelFn<'OneHot'> = ({ inputs: { indices }, attrs: { depth }, outputs: [out], backend: base }) => {
  const backend = base as WasmBackend;
  const count = sizeOf(indices.shape);
  const { info, data } = backend.output(out.shape, out.dtype);
  const start = data.ptr >>> 2;
  const f32 = backend.heap.f32;
  const i32 = backend.heap.i32;
  f32.fill(0, start, start + count * depth);
  const index = words(backend, indices);
  for (let i = 0; i < count; i++) {
    const k = i32[index + i]!;
    // The ops layer rejects out-of-range indices; a row of zeros is the safe answer if one slips through.
    if (k >= 0 && k < depth) f32[start + i * depth + k] = 1;
  }
  return info;
};

export const indexingKernels = { Gather: gather, ScatterAdd: scatterAdd, OneHot: oneHot };
