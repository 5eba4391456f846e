/**
 * Data movement inside the wasm heap, in 32-bit words (bit-exact for float32 and int32): Transpose, Slice,
 * Pad, BroadcastTo and Concat are one wasm strided copy (or tiled transpose) each; Reshape shares storage.
 * Output shapes are the spec's.
 */
import type { TensorInfo } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { broadcastStrides, contiguousStrides, sizeOf, stridedCopy } from '../strided';

/** Same storage, new shape: the engine counts references to a dataId, so sharing is free and safe. */
const reshape: KernelFn<'Reshape'> = ({ inputs: { x }, outputs: [{ shape, dtype }] }) => ({
  dataId: x.dataId,
  shape: [...shape],
  dtype,
});

/** Word offset of a tensor's storage in the heap's Int32Array view. */
function words(backend: WasmBackend, t: TensorInfo): number {
  return backend.ptr(t) >>> 2;
}

const broadcastTo: KernelFn<'BroadcastTo'> = ({ inputs: { x }, outputs: [{ shape, dtype }], backend: base }) => {
  const backend = base as WasmBackend;
  const { info, data } = backend.output(shape, dtype);
  stridedCopy(backend, words(backend, x), broadcastStrides(x.shape, shape), shape, data.ptr >>> 2);
  return info;
};

const transpose: KernelFn<'Transpose'> = ({ inputs: { x }, attrs: { perm }, outputs: [out], backend: base }) => {
  const backend = base as WasmBackend;
  const { shape } = out;
  const { info, data } = backend.output(shape, out.dtype);
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
    data.ptr >>> 2,
  );
  return info;
};

const slice: KernelFn<'Slice'> = ({ inputs: { x }, attrs: { begin }, outputs: [out], backend: base }) => {
  const backend = base as WasmBackend;
  const size = out.shape;
  const { info, data } = backend.output(size, out.dtype);
  const inStrides = contiguousStrides(x.shape);
  const offset = begin.reduce((sum, b, axis) => sum + b * inStrides[axis]!, 0);
  if (sizeOf(size) > 0) stridedCopy(backend, words(backend, x) + offset, inStrides, size, data.ptr >>> 2);
  return info;
};

const concat: KernelFn<'Concat'> = ({ inputs: { tensors }, attrs: { axis }, outputs: [out], backend: base }) => {
  const backend = base as WasmBackend;
  const { shape } = out;
  const { info, data } = backend.output(shape, out.dtype);
  const outer = sizeOf(shape.slice(0, axis));
  const outRow = sizeOf(shape.slice(axis));
  let column = 0;
  for (const t of tensors) {
    // Each input is an [outer, chunk] block written at a column offset of the [outer, outRow] output.
    const chunk = sizeOf(t.shape.slice(axis));
    if (chunk > 0 && outer > 0) {
      stridedCopy(backend, words(backend, t), [chunk, 1], [outer, chunk], (data.ptr >>> 2) + column, [outRow, 1]);
    }
    column += chunk;
  }
  return info;
};

const pad: KernelFn<'Pad'> = ({ inputs: { x }, attrs: { paddings, value }, outputs: [out], backend: base }) => {
  const backend = base as WasmBackend;
  const { shape } = out;
  const { info, data } = backend.output(shape, out.dtype);
  const start = data.ptr >>> 2;
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

export const shapeKernels = {
  Reshape: reshape,
  BroadcastTo: broadcastTo,
  Transpose: transpose,
  Slice: slice,
  Concat: concat,
  Pad: pad,
};
