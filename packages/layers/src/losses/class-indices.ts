/** Int32 class-index targets of crossEntropy and nllLoss: range checks, `ignoreIndex`, and the mean over kept rows. */
import { DTypeError, fmtShape, ShapeError, type Tensor, tensor, ValueError } from '@nn/tensor';
import type { Reduction } from './reduction';

/** The checked targets: indices safe to one-hot (ignored rows point at class 0) and which rows count. */
export interface ClassIndices {
  /** int32 [N], every value in [0, C). */
  safe: Tensor;
  /** [N] of 1 (kept) and 0 (ignored) in the logits' dtype, or null when no row is ignored. */
  kept: Tensor | null;
  /** The values of `safe`, as read on the host. */
  rows: Int32Array;
  /** How many rows count (the divisor of 'mean'). */
  count: number;
}

/** Checks an `ignoreIndex` option: an integer or undefined. */
export function ignoreIndexOf(loss: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value)) throw new ValueError(`${loss}: ignoreIndex must be an integer, got ${String(value)}`);
  return value as number;
}

/**
 * Reads the int32 targets [N] (they are checked on the host, as PyTorch checks them) and returns them ready for
 * a one-hot; a target equal to `ignoreIndex` is allowed anywhere and marks its row as not counted.
 */
export function classIndices(
  loss: string,
  target: Tensor,
  scores: Tensor,
  ignoreIndex: number | undefined,
): ClassIndices {
  const [n, classes] = scores.shape as [number, number];
  if (target.dtype !== 'int32') throw new DTypeError(`${loss}: class indices must be int32, got ${target.dtype}`);
  if (target.rank !== 1 || target.shape[0] !== n) {
    throw new ShapeError(
      `${loss}: class indices must be [N] = [${n}] for logits ${fmtShape(scores.shape)}, got ${fmtShape(target.shape)}`,
    );
  }
  const indices = target.dataSync();
  const rows = new Int32Array(n);
  const kept = new Array<number>(n).fill(1);
  let count = n;
  for (let i = 0; i < n; i++) {
    const c = indices[i]!;
    if (c === ignoreIndex) {
      kept[i] = 0;
      count--;
    } else if (c < 0 || c >= classes) {
      throw new ValueError(`${loss}: class index ${c} at position ${i} is out of range for ${classes} classes`);
    } else {
      rows[i] = c;
    }
  }
  return {
    safe: count === n ? target : tensor(rows, [n], 'int32'),
    kept: count === n ? null : tensor(kept, [n], scores.dtype),
    rows,
    count,
  };
}

/** Reduces per-row losses, leaving ignored rows out: 'mean' divides by the kept rows (NaN if none, as PyTorch). */
export function reduceKept(perRow: Tensor, targets: ClassIndices, reduction: Reduction): Tensor {
  const masked = targets.kept === null ? perRow : perRow.mul(targets.kept);
  if (reduction === 'none') return masked;
  const total = masked.sum();
  return reduction === 'sum' ? total : total.div(targets.count);
}
