/**
 * Gradient clipping by the global norm, exactly as `torch.nn.utils.clip_grad_norm_`: the norm of the
 * per-gradient norms, `coef = min(maxNorm / (totalNorm + 1e-6), 1)`, every gradient multiplied by `coef`.
 * Everything stays on the device: the coefficient is a tensor, so clipping never waits for a read.
 */
import { DTypeError, div, fmtShape, max, minimum, scalar, stack, Tensor, ValueError } from '@nn/tensor';
import { checkOptions } from './options';
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

const OPTIONS = ['normType', 'errorIfNonfinite'] as const;

/** The p-norm of one gradient (PyTorch's `torch.norm(g, p)`). */
function norm(g: Tensor, p: number): Tensor {
  if (p === Number.POSITIVE_INFINITY) return g.size === 0 ? g.sum() : g.abs().max();
  if (p === 2) return g.square().sum().sqrt();
  if (p === 1) return g.abs().sum();
  return g
    .abs()
    .pow(p)
    .sum()
    .pow(1 / p);
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
  const norms = grads.map((g) => norm(g, normType));
  let totalNorm: Tensor;
  if (normType === Number.POSITIVE_INFINITY) totalNorm = norms.length === 1 ? norms[0]! : max(stack(norms));
  else totalNorm = norm(stack(norms), normType);
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
