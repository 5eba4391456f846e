/** Data movement: reshape, broadcast, transpose, slice, concat, pad. */
import { type KernelFn, outputInfo } from '../../backend/interface';
import { broadcastStrides } from '../../kernels/geometry';
import type { TypedArray } from '../../types';
import { typedArrayFor } from '../../types';
import { sizeOf, stridesOf } from '../../util/shape';
import { stridedCopy } from './strided';

/** Same storage, new shape: the engine counts references to a dataId, so sharing is free and safe. */
const reshape: KernelFn<'Reshape'> = ({ inputs: { x }, attrs: { shape } }) => ({
  dataId: x.dataId,
  shape: [...shape],
  dtype: x.dtype,
});

const broadcastTo: KernelFn<'BroadcastTo'> = ({ inputs: { x }, attrs: { shape }, backend }) => {
  const out = typedArrayFor(x.dtype, sizeOf(shape));
  stridedCopy(backend.readSync(x.dataId), 0, broadcastStrides(x.shape, shape), shape, out);
  return outputInfo(backend, out, [...shape], x.dtype);
};

// Square tiles keep both the reads and the writes of a 2-D transpose within a few cache lines.
const TILE = 32;

function transpose2D(src: TypedArray, rows: number, cols: number, out: TypedArray): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) out[c * rows + r] = src[r * cols + c]!;
      }
    }
  }
}

const transpose: KernelFn<'Transpose'> = ({ inputs: { x }, attrs: { perm }, outputs: [{ shape }], backend }) => {
  const values = backend.readSync(x.dataId);
  const out = typedArrayFor(x.dtype, values.length);
  if (x.shape.length === 2 && perm[0] === 1) {
    transpose2D(values, x.shape[0]!, x.shape[1]!, out);
  } else {
    const inStrides = stridesOf(x.shape);
    stridedCopy(
      values,
      0,
      perm.map((axis) => inStrides[axis]!),
      shape,
      out,
    );
  }
  return outputInfo(backend, out, shape, x.dtype);
};

const slice: KernelFn<'Slice'> = ({ inputs: { x }, attrs: { begin, size }, backend }) => {
  const inStrides = stridesOf(x.shape);
  const offset = begin.reduce((sum, b, axis) => sum + b * inStrides[axis]!, 0);
  const out = typedArrayFor(x.dtype, sizeOf(size));
  if (out.length > 0) stridedCopy(backend.readSync(x.dataId), offset, inStrides, size, out);
  return outputInfo(backend, out, [...size], x.dtype);
};

const concat: KernelFn<'Concat'> = ({ inputs: { tensors }, attrs: { axis }, outputs: [{ shape, dtype }], backend }) => {
  const out = typedArrayFor(dtype, sizeOf(shape));
  const outer = sizeOf(shape.slice(0, axis));
  const outRow = sizeOf(shape.slice(axis));
  let column = 0;
  for (const t of tensors) {
    // Each input contributes one contiguous chunk per outer index.
    const values = backend.readSync(t.dataId);
    const chunk = sizeOf(t.shape.slice(axis));
    for (let o = 0; o < outer && chunk > 0; o++) {
      out.set(values.subarray(o * chunk, (o + 1) * chunk), o * outRow + column);
    }
    column += chunk;
  }
  return outputInfo(backend, out, shape, dtype);
};

const pad: KernelFn<'Pad'> = ({ inputs: { x }, attrs: { paddings, value }, outputs: [{ shape }], backend }) => {
  const out = typedArrayFor(x.dtype, sizeOf(shape));
  out.fill(value);
  const values = backend.readSync(x.dataId);
  if (values.length > 0) {
    // Copy x into the interior of out: walk x contiguously and write through out's strides.
    const outStrides = stridesOf(shape);
    const offset = paddings.reduce((sum, [before], axis) => sum + before * outStrides[axis]!, 0);
    const rank = x.shape.length;
    const rowLength = rank === 0 ? 1 : x.shape[rank - 1]!;
    const rows = values.length / rowLength;
    const outer = x.shape.slice(0, -1);
    const outerStrides = stridesOf(outer);
    for (let r = 0; r < rows; r++) {
      let dst = offset;
      for (let axis = 0; axis < outer.length; axis++) {
        dst += (Math.floor(r / outerStrides[axis]!) % outer[axis]!) * outStrides[axis]!;
      }
      out.set(values.subarray(r * rowLength, (r + 1) * rowLength), dst);
    }
  }
  return outputInfo(backend, out, shape, x.dtype);
};

export const shapeKernels = {
  Reshape: reshape,
  BroadcastTo: broadcastTo,
  Transpose: transpose,
  Slice: slice,
  Concat: concat,
  Pad: pad,
};
