/** Gather along an axis, its adjoint scatter-add, and one-hot vectors. */
import { type KernelFn, outputInfo } from '../../backend/interface';
import { typedArrayFor } from '../../types';
import { sizeOf } from '../../util/shape';
import { fromFloat64 } from './convert';

const gather: KernelFn<'Gather'> = ({ inputs: { x, indices }, attrs: { axis }, outputs: [{ shape }], backend }) => {
  const values = backend.readSync(x.dataId);
  const index = backend.readSync(indices.dataId);
  const out = typedArrayFor(x.dtype, sizeOf(shape));
  const outer = sizeOf(x.shape.slice(0, axis));
  const length = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const count = index.length;
  // Short rows (gathering along the last axes) are copied by hand: a subarray per row costs ~1 us in V8, which made
  // gathering columns of an image ~50x slower than gathering its rows.
  const byHand = inner < 16;
  for (let o = 0; o < outer && inner > 0; o++) {
    for (let i = 0; i < count; i++) {
      const src = (o * length + index[i]!) * inner;
      const dst = (o * count + i) * inner;
      if (byHand) for (let k = 0; k < inner; k++) out[dst + k] = values[src + k]!;
      else out.set(values.subarray(src, src + inner), dst);
    }
  }
  return outputInfo(backend, out, shape, x.dtype);
};

const scatterAdd: KernelFn<'ScatterAdd'> = (args) => {
  const {
    inputs: { updates, indices },
    attrs: { axis, size },
    outputs: [{ shape }],
    backend,
  } = args;
  const values = backend.readSync(updates.dataId);
  const index = backend.readSync(indices.dataId);
  const outer = sizeOf(updates.shape.slice(0, axis));
  const inner = sizeOf(updates.shape.slice(axis + indices.shape.length));
  // Float sums accumulate in float64, so repeated indices round once; int32 sums wrap on the final store.
  const acc = new Float64Array(outer * size * inner);
  const count = index.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < count; i++) {
      const dst = (o * size + index[i]!) * inner;
      const src = (o * count + i) * inner;
      for (let j = 0; j < inner; j++) acc[dst + j] = acc[dst + j]! + values[src + j]!;
    }
  }
  return outputInfo(backend, fromFloat64(acc, updates.dtype), shape, updates.dtype);
};

const oneHot: KernelFn<'OneHot'> = ({ inputs: { indices }, attrs: { depth }, outputs: [{ shape }], backend }) => {
  const index = backend.readSync(indices.dataId);
  const out = new Float32Array(index.length * depth);
  for (let i = 0; i < index.length; i++) {
    const k = index[i]!;
    // The ops layer rejects out-of-range indices; a row of zeros is the safe answer if one slips through.
    if (k >= 0 && k < depth) out[i * depth + k] = 1;
  }
  return outputInfo(backend, out, shape, 'float32');
};

export const indexingKernels = { Gather: gather, ScatterAdd: scatterAdd, OneHot: oneHot };
