/** Shape ops: reshape, transpose, flatten, squeeze, expandDims, broadcastTo, slice, concat, stack, pad. */
import { engine } from '../engine';
import { DTypeError, fmtShape, IndexError, ShapeError, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { assertValidShape, normalizeAxis, shapesEqual, sizeOf } from '../util/shape';
import { assertTensor } from './create';

/** Same values in a new shape of the same size; one entry may be -1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('reshape', x);
  if (!Array.isArray(shape)) throw new ValueError(`reshape: shape must be an array, got ${String(shape)}`);
  const inferred = shape.indexOf(-1);
  if (inferred !== shape.lastIndexOf(-1)) throw new ValueError(`reshape: only one -1 allowed in ${fmtShape(shape)}`);
  const known = shape.filter((_, i) => i !== inferred);
  assertValidShape('reshape', known);
  const resolved = [...shape];
  if (inferred >= 0) {
    const rest = sizeOf(known);
    if (rest === 0 || x.size % rest !== 0) {
      throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} (size ${x.size}) into ${fmtShape(shape)}`);
    }
    resolved[inferred] = x.size / rest;
  }
  return engine.runKernel('Reshape', { x }, { shape: resolved });
}

/** Permutes the axes; by default reverses them. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  assertTensor('transpose', x);
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  const normalized = p.map((a) => normalizeAxis('transpose', a, x.rank));
  if (normalized.length !== x.rank || new Set(normalized).size !== x.rank) {
    throw new ValueError(
      `transpose: perm [${p.join(',')}] is not a permutation of the ${x.rank} axes of ${fmtShape(x.shape)}`,
    );
  }
  return engine.runKernel('Transpose', { x }, { perm: normalized });
}

/** Merges the axes from `startAxis` on into one: [N, C, H, W] -> [N, C*H*W]. */
export function flatten(x: Tensor, startAxis = 1): Tensor {
  assertTensor('flatten', x);
  if (x.rank === 0) return reshape(x, [1]);
  const start = normalizeAxis('flatten', startAxis, x.rank);
  return reshape(x, [...x.shape.slice(0, start), sizeOf(x.shape.slice(start))]);
}

/** Removes size-1 axes (all of them, or the given ones). */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  assertTensor('squeeze', x);
  const axes =
    axis === undefined
      ? null
      : (typeof axis === 'number' ? [axis] : axis).map((a) => normalizeAxis('squeeze', a, x.rank));
  for (const a of axes ?? []) {
    if (x.shape[a] !== 1)
      throw new ShapeError(`squeeze: axis ${a} of ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return reshape(
    x,
    x.shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)),
  );
}

/** Inserts a size-1 axis at `axis` (negative counts from the end of the result). */
export function expandDims(x: Tensor, axis: number): Tensor {
  assertTensor('expandDims', x);
  const a = normalizeAxis('expandDims', axis, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/** Repeats size-1 axes to reach `shape` (NumPy broadcasting). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor('broadcastTo', x);
  assertValidShape('broadcastTo', shape);
  return engine.runKernel('BroadcastTo', { x }, { shape: [...shape] });
}

/**
 * A block of `size` starting at `begin` (size -1 means "to the end"); a negative begin counts from the end.
 * @example slice(x, [0, -2]) // the last two columns
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  assertTensor('slice', x);
  if (!Array.isArray(begin) || begin.length !== x.rank) {
    throw new ValueError(`slice: begin [${begin}] must have one entry per axis of ${fmtShape(x.shape)}`);
  }
  const sizes = size ?? begin.map(() => -1);
  if (sizes.length !== x.rank)
    throw new ValueError(`slice: size [${sizes}] must have one entry per axis of ${fmtShape(x.shape)}`);
  // A negative begin counts from the end of its axis, as Python's x[-2:].
  const resolvedBegin = begin.map((b, i) => {
    const dim = x.shape[i]!;
    if (!Number.isInteger(b) || b < -dim || b > dim) {
      throw new IndexError(`slice: begin ${b} is out of range for axis ${i} of ${fmtShape(x.shape)}`);
    }
    return b < 0 ? b + dim : b;
  });
  const resolvedSize = sizes.map((s, i) => {
    const b = resolvedBegin[i]!;
    const dim = x.shape[i]!;
    if (!Number.isInteger(s) || s < -1) {
      throw new ValueError(
        `slice: size ${s} on axis ${i} must be a non-negative integer or -1 (input ${fmtShape(x.shape)})`,
      );
    }
    const length = s === -1 ? dim - b : s;
    if (b + length > dim) {
      throw new IndexError(
        `slice: begin [${begin}] + size [${sizes}] runs past the end of ${fmtShape(x.shape)} on axis ${i}`,
      );
    }
    return length;
  });
  return engine.runKernel('Slice', { x }, { begin: resolvedBegin, size: resolvedSize });
}

/** Joins tensors along an existing axis. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new ValueError('concat: needs a non-empty list of tensors');
  for (const [i, t] of tensors.entries()) assertTensor('concat', t, `tensors[${i}]`);
  return engine.runKernel('Concat', { tensors }, { axis: normalizeAxis('concat', axis, tensors[0]!.rank) });
}

/** Joins tensors of one shape along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ValueError('stack: needs a non-empty list of tensors');
  for (const [i, t] of tensors.entries()) assertTensor('stack', t, `tensors[${i}]`);
  const first = tensors[0]!;
  for (const t of tensors) {
    if (t.dtype !== first.dtype) throw new DTypeError(`stack: dtypes differ: ${first.dtype} and ${t.dtype}`);
    if (!shapesEqual(t.shape, first.shape)) {
      throw new ShapeError(`stack: all shapes must be equal, got ${tensors.map((u) => fmtShape(u.shape)).join(', ')}`);
    }
  }
  const a = normalizeAxis('stack', axis, first.rank + 1);
  return engine.tidy(() =>
    concat(
      tensors.map((t) => expandDims(t, a)),
      a,
    ),
  );
}

/** Pads each axis with [before, after] entries of `value` (default 0). */
export function pad(x: Tensor, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  assertTensor('pad', x);
  if (!Array.isArray(paddings) || paddings.length !== x.rank) {
    throw new ValueError(
      `pad: need one [before, after] pair per axis of ${fmtShape(x.shape)}, got ${JSON.stringify(paddings)}`,
    );
  }
  for (const p of paddings) {
    if (!Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0)) {
      throw new ValueError(`pad: paddings must be pairs of non-negative integers, got ${JSON.stringify(paddings)}`);
    }
  }
  return engine.runKernel('Pad', { x }, { paddings: paddings.map((p) => [p[0], p[1]] as const), value });
}
