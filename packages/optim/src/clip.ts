/**
 * Gradient clipping by the global norm, as `torch.nn.utils.clip_grad_norm_`: the norm of all gradients taken
 * as one vector, `coef = min(maxNorm / (totalNorm + 1e-6), 1)`, every gradient multiplied by `coef`.
 * Everything stays on the device: the coefficient is a tensor, so clipping never waits for a read.
 */
import {
  checkOptions,
  DTypeError,
  div,
  fmtShape,
  maximum,
  minimum,
  type OptionKeys,
  scalar,
  Tensor,
  ValueError,
} from '@nn/tensor';
import { checkNumber } from './validate';

/** Options of `clipGradNorm`. */
export interface ClipGradNormOptions {
  /** The order of the norm: 2 (default), any p > 0, or Infinity (the largest absolute value). */
  normType?: number;
  /** Read the total norm and throw a ValueError when it is NaN or infinite (one device read; default false). */
  errorIfNonfinite?: boolean;
}

/** What `clipGradNorm` returns. */
export interface ClipGradNormResult {
  /** The clipped gradients, new tensors in the order given (the inputs are left as they are). */
  grads: Tensor[];
  /** The norm of all gradients before clipping, as a scalar tensor (read it only when you need the number). */
  totalNorm: Tensor;
}

const OPTIONS: OptionKeys<ClipGradNormOptions> = { normType: true, errorIfNonfinite: true };

/** `sum(|g|^p)` of one gradient (`max(|g|)` for p = Infinity): its p-norm before the root. */
function powerSum(g: Tensor, p: number): Tensor {
  if (p === Number.POSITIVE_INFINITY) return g.size === 0 ? g.sum() : g.abs().max();
  if (p === 2) return g.square().sum();
  if (p === 1) return g.abs().sum();
  return g.abs().pow(p).sum();
}

/**
 * Scales `grads` so that their global norm is at most `maxNorm` (gradients of one model step, in any order).
 * Call it inside `tidy`, or dispose the results.
 * @example const { grads, totalNorm } = clipGradNorm(gradsOf(loss, params).grads, 1.0); opt.applyGradients(grads);
 */
export function clipGradNorm(
  grads: readonly Tensor[],
  maxNorm: number,
  options: ClipGradNormOptions = {},
): ClipGradNormResult {
  const where = 'clipGradNorm';
  checkOptions(where, options, OPTIONS);
  checkNumber(where, 'maxNorm', maxNorm, { min: 0, minExclusive: true });
  const normType = options.normType ?? 2;
  if (normType !== Number.POSITIVE_INFINITY) checkNumber(where, 'normType', normType, { min: 0, minExclusive: true });
  if (!Array.isArray(grads)) throw new ValueError(`${where}: grads must be an array of Tensors, got ${typeof grads}`);
  const list: readonly unknown[] = grads;
  list.forEach((g, i) => {
    if (!(g instanceof Tensor)) throw new ValueError(`${where}: grads[${i}] is not a Tensor`);
    const first = list[0] as Tensor;
    if (g.dtype === 'int32' || g.dtype !== first.dtype) {
      throw new DTypeError(
        `${where}: gradients must share one float dtype; grads[0] is ${first.dtype} ${fmtShape(first.shape)}, ` +
          `grads[${i}] is ${g.dtype} ${fmtShape(g.shape)}`,
      );
    }
  });
  if (grads.length === 0) return { grads: [], totalNorm: scalar(0) };
  // The p-norm of all gradients as one vector. PyTorch takes the norm of the per-gradient norms, which is the
  // same number up to rounding; summing the powers directly needs about half the kernels (each costs a dispatch).
  const infinity = normType === Number.POSITIVE_INFINITY;
  const total = grads.map((g) => powerSum(g, normType)).reduce((a, b) => (infinity ? maximum(a, b) : a.add(b)));
  let totalNorm = total;
  if (normType === 2) totalNorm = total.sqrt();
  else if (!infinity && normType !== 1) totalNorm = total.pow(1 / normType);
  if (options.errorIfNonfinite === true) {
    const value = totalNorm.item();
    if (!Number.isFinite(value)) {
      throw new ValueError(
        `${where}: the total norm of order ${normType} of the gradients is ${value}, so they cannot be clipped ` +
          '(errorIfNonfinite: false scales them by it anyway)',
      );
    }
  }
  // PyTorch computes `maxNorm / x` as `reciprocal(x) * maxNorm`; the same two roundings give the same coefficient.
  const coef = minimum(div(1, totalNorm.add(1e-6)).mul(maxNorm), 1);
  return { grads: grads.map((g) => g.mul(coef)), totalNorm };
}
