/** Shared argument checks and the `reduction` option of every loss. */
import { checkOptions, DTypeError, fmtShape, type OptionKeys, ShapeError, Tensor, ValueError } from '@nn/tensor';

/** How a loss reduces its per-element values: 'mean', 'sum' or 'none'. */
export type Reduction = 'mean' | 'sum' | 'none';

/** The option every loss takes. */
export interface LossOptions {
  /** 'mean' (default) averages the per-element losses, 'sum' adds them, 'none' returns them unreduced. */
  reduction?: Reduction;
}

const LOSS_OPTIONS: OptionKeys<LossOptions> = { reduction: true };

/** The reduction option, validated, after checking `options` has no key but those of `known`. */
export function reductionOf<T extends LossOptions>(
  loss: string,
  options: T | undefined,
  known: OptionKeys<T> = LOSS_OPTIONS as OptionKeys<T>,
): Reduction {
  checkOptions(loss, options, known);
  const reduction = options?.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ValueError(`${loss}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
  return reduction;
}

export function reduce(values: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return values;
  return reduction === 'sum' ? values.sum() : values.mean();
}

/** Both arguments are float tensors of one dtype and one shape. */
export function checkPair(loss: string, prediction: unknown, target: unknown): asserts prediction is Tensor {
  if (!(prediction instanceof Tensor)) throw new ValueError(`${loss}: prediction must be a Tensor`);
  if (!(target instanceof Tensor)) throw new ValueError(`${loss}: target must be a Tensor`);
  if (prediction.dtype === 'int32') {
    throw new DTypeError(`${loss}: prediction must be a float tensor, got int32 ${fmtShape(prediction.shape)}`);
  }
  if (target.dtype !== prediction.dtype) {
    throw new DTypeError(
      `${loss}: prediction and target dtypes differ: ${prediction.dtype} ${fmtShape(prediction.shape)} and ${target.dtype} ${fmtShape(target.shape)}`,
    );
  }
  // No silent broadcasting: [N, 1] against [N] would quietly compute an N x N loss.
  if (prediction.rank !== target.rank || prediction.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      `${loss}: prediction and target shapes differ: ${fmtShape(prediction.shape)} and ${fmtShape(target.shape)}`,
    );
  }
}
