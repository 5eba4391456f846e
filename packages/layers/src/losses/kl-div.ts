/** The Kullback-Leibler divergence loss (PyTorch's KLDivLoss): the input is log-probabilities. */
import { checkOptions, type OptionKeys, type Tensor, tidy, ValueError, where } from '@nn/tensor';
import { checkPair } from './reduction';

/** klDiv's reductions: 'batchmean' (the sum divided by the batch size: the true KL divergence per sample). */
export type KlDivReduction = 'batchmean' | 'mean' | 'sum' | 'none';

/** Options of `klDiv`. */
export interface KlDivOptions {
  /** The target is given as log-probabilities too (default false: probabilities). */
  logTarget?: boolean;
  /** 'batchmean' (default) sums and divides by the first dimension, 'mean' averages every element. */
  reduction?: KlDivReduction;
}

const KL_DIV_OPTIONS: OptionKeys<KlDivOptions> = { logTarget: true, reduction: true };
const REDUCTIONS: readonly string[] = ['batchmean', 'mean', 'sum', 'none'];

/**
 * target * (log(target) - input) per element, with 0 where target is 0 (or exp(target) * (target - input) with
 * `logTarget`), for `input` of log-probabilities; 'batchmean' gives KL(target || exp(input)) per sample.
 * @example klDiv(logSoftmax(student, 1), softmax(teacher, 1))
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  const loss = 'klDiv';
  checkPair(loss, input, target);
  checkOptions(loss, options, KL_DIV_OPTIONS);
  const reduction = options.reduction ?? 'batchmean';
  if (!REDUCTIONS.includes(reduction)) {
    throw new ValueError(`${loss}: reduction must be 'batchmean', 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
  return tidy(() => {
    let perElement: Tensor;
    if (options.logTarget === true) {
      perElement = target.exp().mul(target.sub(input));
    } else {
      // xlogy(t, t) as PyTorch: 0 at t = 0 (0 * log 0 would be NaN), NaN for t < 0.
      const zero = target.equal(0);
      const tLogT = where(zero, 0, target.mul(where(zero, 1, target).log()));
      perElement = tLogT.sub(target.mul(input));
    }
    if (reduction === 'none') return perElement;
    if (reduction === 'sum') return perElement.sum();
    if (reduction === 'mean') return perElement.mean();
    return perElement.sum().div(input.rank === 0 ? 1 : input.shape[0]!);
  });
}
