/**
 * Selection ops: sort, argsort and topk (on the TopK kernel, which orders the last axis; the values are gathered
 * from its indices, so they carry gradients), and the masks tril, triu and maskedFill (composites of `where`).
 */
import { engine } from '../engine';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors';
import { broadcastShapes } from '../kernels/geometry';
import type { Tensor, TensorLike } from '../tensor';
import { checkOptions, describeValue, type OptionKeys } from '../util/options';
import { normalizeAxis, shapesEqual, sizeOf } from '../util/shape';
import { add, mul, where } from './binary';
import { arange, assertTensor, tensor } from './create';
import { reshape, transpose } from './shape';

/** Values with the int32 indices they came from along the axis. */
export interface ValuesAndIndices {
  values: Tensor;
  indices: Tensor;
}

/** Options of `sort` and `argsort`. */
export interface SortOptions {
  /** The axis to sort along (default -1, the last). */
  axis?: number;
  /** Largest first. Equal values keep their order either way (a stable sort); NaN sorts as the largest value. */
  descending?: boolean;
}
const SORT_OPTIONS: OptionKeys<SortOptions> = { axis: true, descending: true };

/** Options of `topk`. */
export interface TopKOptions {
  /** The axis to select along (default -1, the last). */
  axis?: number;
  /** The k largest (default) or the k smallest, in that order. */
  largest?: boolean;
}
const TOPK_OPTIONS: OptionKeys<TopKOptions> = { axis: true, largest: true };

function flag(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`${op}: ${name} must be a boolean, got ${describeValue(value)}`);
  return value;
}

/** The length of `axis` (1 for a 0-d tensor, which `select` checks the axis of). */
function axisLength(op: string, x: Tensor, axis: number): number {
  assertTensor(op, x);
  return x.rank === 0 ? 1 : x.shape[normalizeAxis(op, axis, x.rank)]!;
}

/**
 * Runs the TopK kernel along `axis` (moved last and back when it is not the last), and gathers the values.
 * A 0-d tensor is one value along one axis, as in PyTorch.
 */
function select(
  op: string,
  x: Tensor,
  axis: number,
  k: number,
  largest: boolean,
  values: boolean,
): { values: Tensor | undefined; indices: Tensor } {
  assertTensor(op, x);
  if (x.rank === 0) {
    if (axis !== 0 && axis !== -1) throw new ValueError(`${op}: axis ${axis} is out of range for a 0-d tensor`);
    return engine.tidy((): { values: Tensor | undefined; indices: Tensor } => {
      const r = select(op, reshape(x, [1]), 0, k, largest, values);
      return { values: r.values && reshape(r.values, []), indices: reshape(r.indices, []) };
    });
  }
  const a = normalizeAxis(op, axis, x.rank);
  const last = x.rank - 1;
  if (!Number.isInteger(k) || k < 0 || k > x.shape[a]!) {
    throw new ValueError(
      `${op}: k must be an integer in [0, ${x.shape[a]}] for axis ${a} of ${fmtShape(x.shape)}, got ${k}`,
    );
  }
  return engine.tidy(() => {
    // Swapping two axes is its own inverse.
    const perm = x.shape.map((_, i) => (i === a ? last : i === last ? a : i));
    const xt = a === last ? x : transpose(x, perm);
    const indices = engine.runKernel('TopK', { x: xt }, { k, largest });
    const picked = values ? takeAlongLastAxis(xt, indices) : undefined;
    const back = (t: Tensor) => (a === last ? t : transpose(t, perm));
    return { values: picked && back(picked), indices: back(indices) };
  });
}

/**
 * x[..., indices[..., j]] row by row, as one Gather of the flattened x at row * n + index: Gather's gradient
 * (a scatter-add) then routes each value's gradient back to where it came from.
 */
function takeAlongLastAxis(x: Tensor, indices: Tensor): Tensor {
  const n = x.shape[x.rank - 1]!;
  const k = indices.shape[indices.rank - 1]!;
  const rows = sizeOf(x.shape.slice(0, -1));
  const offsets = reshape(mul(arange(rows), n), [rows, 1]);
  const flat = add(reshape(indices, [rows, k]), offsets);
  // The indices come from TopK, so they are in range: no check (it would read them back from the device).
  const taken = engine.runKernel('Gather', { x: reshape(x, [rows * n]), indices: flat }, { axis: 0 });
  return reshape(taken, indices.shape);
}

/**
 * Sorts along `axis` (default -1): `{ values, indices }`, indices int32. Stable; NaN sorts as the largest value.
 * @example const { values, indices } = sort(x, { descending: true })
 */
export function sort(x: Tensor, options: SortOptions = {}): ValuesAndIndices {
  checkOptions('sort', options, SORT_OPTIONS);
  const { axis = -1, descending = false } = options;
  const r = select('sort', x, axis, axisLength('sort', x, axis), flag('sort', 'descending', descending), true);
  return { values: r.values!, indices: r.indices };
}

/**
 * The int32 indices that sort `x` along `axis` (the `indices` of `sort`, same options).
 * @example argsort(tensor([3, 1, 2])) // [1, 2, 0]
 */
export function argsort(x: Tensor, options: SortOptions = {}): Tensor {
  checkOptions('argsort', options, SORT_OPTIONS);
  const { axis = -1, descending = false } = options;
  return select('argsort', x, axis, axisLength('argsort', x, axis), flag('argsort', 'descending', descending), false)
    .indices;
}

/**
 * The k largest (or smallest) values along `axis` (default -1) in order, with their int32 indices; ties keep
 * index order.
 * @example const { values, indices } = topk(logits, 5)
 */
export function topk(x: Tensor, k: number, options: TopKOptions = {}): ValuesAndIndices {
  checkOptions('topk', options, TOPK_OPTIONS);
  const { axis = -1, largest = true } = options;
  const r = select('topk', x, axis, k, flag('topk', 'largest', largest), true);
  return { values: r.values!, indices: r.indices };
}

/** Keeps the entries of the last two axes where keep(row, col), zeroes the others. */
function triangle(op: string, x: Tensor, k: number, keep: (row: number, col: number) => boolean): Tensor {
  assertTensor(op, x);
  if (x.rank < 2) throw new ShapeError(`${op}: needs at least 2 axes, got ${fmtShape(x.shape)}`);
  if (!Number.isInteger(k)) throw new ValueError(`${op}: k must be an integer, got ${describeValue(k)}`);
  const rows = x.shape[x.rank - 2]!;
  const cols = x.shape[x.rank - 1]!;
  const mask = new Int32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mask[r * cols + c] = keep(r, c - r - k) ? 1 : 0;
  return engine.tidy(() => where(tensor(mask, [rows, cols], 'int32'), x, 0));
}

/**
 * The lower triangle of the last two axes: entries with col - row <= k (k = 0: the diagonal and below), zeros
 * elsewhere.
 * @example tril(ones([3, 3]), -1)
 */
export function tril(x: Tensor, k = 0): Tensor {
  return triangle('tril', x, k, (_, offset) => offset <= 0);
}

/**
 * The upper triangle of the last two axes: entries with col - row >= k, zeros elsewhere.
 * @example triu(scores, 1)
 */
export function triu(x: Tensor, k = 0): Tensor {
  return triangle('triu', x, k, (_, offset) => offset >= 0);
}

/**
 * `value` where `mask` is non-zero (true), x elsewhere. The mask (any dtype, 1/0 as PyTorch's bool) broadcasts
 * to x's shape; `value` is a number or a 0-d tensor (which then gets a gradient).
 * @example maskedFill(scores, causalMask, -Infinity)
 */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  assertTensor('maskedFill', x);
  assertTensor('maskedFill', mask, 'mask');
  if (!shapesEqual(broadcastShapes('maskedFill', x.shape, mask.shape), x.shape)) {
    throw new ShapeError(`maskedFill: mask ${fmtShape(mask.shape)} does not broadcast to x ${fmtShape(x.shape)}`);
  }
  if (typeof value !== 'number') {
    assertTensor('maskedFill', value, 'value');
    if (value.rank !== 0)
      throw new ShapeError(`maskedFill: value must be a number or a 0-d tensor, got ${fmtShape(value.shape)}`);
    if (value.dtype !== x.dtype) throw new DTypeError(`maskedFill: value is ${value.dtype} but x is ${x.dtype}`);
  }
  return engine.tidy(() => where(mask, value, x));
}
