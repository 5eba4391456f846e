/** Shape arithmetic shared by the ops layer (validation) and the kernels (index math); broadcasting and window
 * geometry are in kernels/geometry.ts. */
import { fmtShape, ValueError } from '../errors';
import type { Shape } from '../types';

/** The number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides: the last axis has stride 1. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i]!;
  }
  return strides;
}

/** True when two shapes have the same axes. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Resolves a possibly negative axis against `rank`; throws a ValueError naming `op`. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ValueError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Resolves `axis` (number, list, or undefined = all) into sorted unique non-negative axes. */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const axes = list.map((a) => normalizeAxis(op, a, rank));
  const unique = [...new Set(axes)].sort((x, y) => x - y);
  if (unique.length !== axes.length) throw new ValueError(`${op}: repeated axis in [${list.join(',')}]`);
  return unique;
}

/**
 * `normalizeAxis` for an op that reduces along one axis (argmax, softmax). A 0-d tensor counts as one axis of
 * size 1, as in PyTorch (`torch.tensor(3.).argmax(-1)` is `tensor(0)`): axis 0 or -1 is accepted, and the
 * result is `null`, "no axis of the tensor's own".
 */
export function normalizeReduceAxis(op: string, axis: number, rank: number): number | null {
  if (rank > 0) return normalizeAxis(op, axis, rank);
  if (axis !== 0 && axis !== -1) {
    throw new ValueError(`${op}: axis ${axis} is out of range for a tensor of rank 0 (it takes 0 or -1)`);
  }
  return null;
}

/**
 * `normalizeAxes` for reductions (sum, mean, max, min). On a 0-d tensor axis 0 or -1 (or a list holding one
 * of them) is accepted and reduces over nothing, as PyTorch does: `torch.tensor(3.).sum(-1)` is `tensor(3.)`,
 * also with keepdim, and `sum(x, [0, -1])` is a repeated axis there too.
 */
export function normalizeReduceAxes(op: string, axis: number | readonly number[] | undefined, rank: number): number[] {
  if (rank > 0 || axis === undefined) return normalizeAxes(op, axis, rank);
  const list = typeof axis === 'number' ? [axis] : axis;
  for (const a of list) normalizeReduceAxis(op, a, 0);
  if (list.length > 1) throw new ValueError(`${op}: repeated axis in [${list.join(',')}]`);
  return [];
}

/** Checks that every entry of `shape` is a non-negative integer. */
export function assertValidShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape)) throw new ValueError(`${op}: shape must be an array of integers, got ${String(shape)}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ValueError(`${op}: shape ${fmtShape(shape)} must hold non-negative integers, got ${d}`);
    }
  }
}
