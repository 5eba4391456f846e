/**
 * Reductions in wasm, float32 and int32. A reduction over one contiguous block of axes is an [outer, length,
 * inner] reduction (last axis: inner = 1; leading axes: outer = 1). Other axis sets are split into their
 * contiguous blocks, reduced last block first through temporaries.
 */
import type { TensorInfo } from '@nn/tensor';
import type { KernelFn, TensorMeta } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { sizeOf } from '../strided';

/** Op codes of assembly/reduce.ts. */
const OP = { Sum: 0, Max: 1, Min: 2 } as const;

/** Sorted unique axes -> [first, last] of each run of consecutive axes. */
function contiguousBlocks(axes: readonly number[]): [number, number][] {
  const blocks: [number, number][] = [];
  for (const axis of axes) {
    const last = blocks[blocks.length - 1];
    if (last && last[1] === axis - 1) last[1] = axis;
    else blocks.push([axis, axis]);
  }
  return blocks;
}

function reduce(
  backend: WasmBackend,
  op: number,
  x: TensorInfo,
  axes: readonly number[],
  { shape: outShape, dtype }: TensorMeta,
): TensorInfo {
  const { info, data } = backend.output(outShape, dtype);
  const int = dtype === 'int32' ? 1 : 0;
  if (int && op !== OP.Sum && sizeOf(outShape) > 0 && sizeOf(x.shape) === 0) {
    // An empty int32 max/min: the reference's -Infinity/Infinity stored as int32 is 0 (the ops refuse it).
    backend.heap.i32.fill(0, data.ptr >>> 2, (data.ptr >>> 2) + sizeOf(outShape));
    return info;
  }
  const blocks = contiguousBlocks(axes);
  let shape = [...x.shape];
  let src = backend.ptr(x);
  let srcTemp: { ptr: number; bytes: number } | null = null;
  for (let b = blocks.length - 1; b >= 0; b--) {
    const [first, last] = blocks[b]!;
    const outer = sizeOf(shape.slice(0, first));
    const length = sizeOf(shape.slice(first, last + 1));
    const inner = sizeOf(shape.slice(last + 1));
    shape = [...shape.slice(0, first), ...shape.slice(last + 1)];
    const isFinal = b === 0;
    const bytes = outer * inner * 4;
    const dst = isFinal ? data.ptr : backend.heap.alloc(bytes);
    if (outer * inner > 0) {
      backend.withTemp(inner * 8, (acc) => backend.exports.reduce(op, int, src, dst, outer, length, inner, acc));
    }
    if (srcTemp) backend.heap.release(srcTemp.ptr, srcTemp.bytes);
    srcTemp = isFinal ? null : { ptr: dst, bytes };
    src = dst;
  }
  return info;
}

function reduceKernel<K extends 'Sum' | 'Max' | 'Min'>(name: K): KernelFn<K> {
  return ({ inputs: { x }, attrs: { axes }, outputs: [output], backend }) =>
    reduce(backend as WasmBackend, OP[name], x, axes, output);
}

const argMax: KernelFn<'ArgMax'> = ({ inputs: { x }, attrs: { axis }, outputs: [{ shape, dtype }], backend: base }) => {
  const backend = base as WasmBackend;
  const { info, data } = backend.output(shape, dtype);
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const length = x.shape[axis]!;
  if (outer * inner > 0) {
    if (length === 0) backend.heap.i32.fill(0, data.ptr >>> 2, (data.ptr >>> 2) + outer * inner);
    else backend.exports.argMax(x.dtype === 'int32' ? 1 : 0, backend.ptr(x), data.ptr, outer, length, inner);
  }
  return info;
};

/** Running sums along `axis`: an [outer, length, inner] view, in wasm for float32 and int32. */
const cumsum: KernelFn<'Cumsum'> = ({ inputs: { x }, attrs: { axis, reverse }, outputs: [out], backend: base }) => {
  const backend = base as WasmBackend;
  const { info, data } = backend.output(out.shape, out.dtype);
  const outer = sizeOf(x.shape.slice(0, axis));
  const length = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  if (outer * length * inner === 0) return info;
  const int = x.dtype === 'int32' ? 1 : 0;
  const src = backend.ptr(x);
  backend.withTemp(inner * 8, (acc) =>
    backend.exports.cumsum(int, src, data.ptr, outer, length, inner, reverse ? 1 : 0, acc),
  );
  return info;
};

export const reduceKernels = {
  Sum: reduceKernel('Sum'),
  Max: reduceKernel('Max'),
  Min: reduceKernel('Min'),
  ArgMax: argMax,
  Cumsum: cumsum,
};
