/** The selection family in wasm: TopK orders each row of the last axis (float32 or int32) with a merge sort. */
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { sizeOf } from '../strided';

const topK: KernelFn<'TopK'> = ({ inputs: { x }, attrs: { k, largest }, outputs: [out], backend: base }) => {
  const backend = base as WasmBackend;
  const { info, data } = backend.output(out.shape, out.dtype);
  const n = x.shape[x.shape.length - 1]!;
  const rows = n === 0 ? 0 : sizeOf(x.shape) / n;
  if (rows === 0 || k === 0) return info;
  const int = x.dtype === 'int32' ? 1 : 0;
  const src = backend.ptr(x);
  backend.withTemp(n * 8, (scratch) => backend.exports.topK(int, src, data.ptr, rows, n, k, largest ? 1 : 0, scratch));
  return info;
};

export const selectionKernels = { TopK: topK };
