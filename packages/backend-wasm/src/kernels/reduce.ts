/**
 * Reductions in wasm for float32. A reduction over one contiguous block of axes is an [outer, length, inner]
 * reduction (last axis: inner = 1; leading axes: outer = 1). Other axis sets are split into their contiguous
 * blocks, reduced last block first through temporaries. int32 takes the reference path.
 */
import type { TensorInfo } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { sizeOf } from '../strided';
import { runReference } from './reference';

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

function reduce(backend: WasmBackend, op: number, x: TensorInfo, axes: readonly number[]): TensorInfo {
  const outShape = x.shape.filter((_, axis) => !axes.includes(axis));
  const { info, data } = backend.output(outShape, 'float32');
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
      backend.withTemp(inner * 8, (acc) => backend.exports.reduce(op, src, dst, outer, length, inner, acc));
    }
    if (srcTemp) backend.heap.release(srcTemp.ptr, srcTemp.bytes);
    srcTemp = isFinal ? null : { ptr: dst, bytes };
    src = dst;
  }
  return info;
}

function reduceKernel<K extends 'Sum' | 'Max' | 'Min'>(name: K): KernelFn<K> {
  return (args) => {
    const { x } = args.inputs;
    if (x.dtype !== 'float32') return runReference<'Sum' | 'Max' | 'Min'>(name, args);
    return reduce(args.backend as WasmBackend, OP[name], x, args.attrs.axes);
  };
}

const argMax: KernelFn<'ArgMax'> = (args) => {
  const { x } = args.inputs;
  if (x.dtype !== 'float32') return runReference('ArgMax', args);
  const backend = args.backend as WasmBackend;
  const { axis } = args.attrs;
  const { info, data } = backend.output(
    x.shape.filter((_, a) => a !== axis),
    'int32',
  );
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const length = x.shape[axis]!;
  if (outer * inner > 0) {
    if (length === 0) backend.heap.i32.fill(0, data.ptr >> 2, (data.ptr >> 2) + outer * inner);
    else backend.exports.argMax(backend.ptr(x), data.ptr, outer, length, inner);
  }
  return info;
};

export const reduceKernels = {
  Sum: reduceKernel('Sum'),
  Max: reduceKernel('Max'),
  Min: reduceKernel('Min'),
  ArgMax: argMax,
};
