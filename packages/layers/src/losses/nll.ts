/** The negative log-likelihood loss of log-probabilities at int32 class indices (PyTorch's NLLLoss). */
import {
  DTypeError,
  fmtShape,
  gather,
  type OptionKeys,
  ShapeError,
  Tensor,
  tensor,
  tidy,
  ValueError,
} from '@nn/tensor';
import { classIndices, ignoreIndexOf, reduceKept } from './class-indices';
import { type LossOptions, reductionOf } from './reduction';

/** Options of `nllLoss`. */
export interface NllLossOptions extends LossOptions {
  /** A class index whose rows add nothing to the loss and are left out of the mean. */
  ignoreIndex?: number;
}

const NLL_OPTIONS: OptionKeys<NllLossOptions> = { reduction: true, ignoreIndex: true };

/**
 * -logProbs[i, target[i]] for `logProbs` [N, C] (e.g. from `logSoftmax`) and int32 `target` [N], averaged over the
 * rows not equal to `ignoreIndex` by default. `nllLoss(logSoftmax(x, 1), t)` equals `crossEntropy(x, t)`.
 * @example nllLoss(logSoftmax(logits, 1), labels)
 */
export function nllLoss(logProbs: Tensor, target: Tensor, options: NllLossOptions = {}): Tensor {
  const loss = 'nllLoss';
  if (!(logProbs instanceof Tensor)) throw new ValueError(`${loss}: logProbs must be a Tensor`);
  if (!(target instanceof Tensor)) throw new ValueError(`${loss}: target must be a Tensor`);
  const reduction = reductionOf(loss, options, NLL_OPTIONS);
  const ignoreIndex = ignoreIndexOf(loss, options.ignoreIndex);
  if (logProbs.rank !== 2) throw new ShapeError(`${loss}: logProbs must be [N, C], got ${fmtShape(logProbs.shape)}`);
  if (logProbs.dtype === 'int32') throw new DTypeError(`${loss}: logProbs must be a float tensor, got int32`);
  const [n, classes] = logProbs.shape as [number, number];
  return tidy(() => {
    const targets = classIndices(loss, target, logProbs, ignoreIndex);
    // One flat gather picks each row's entry, so -Infinity elsewhere in a row never meets a 0 (0 * -Inf = NaN).
    const flat = tensor(
      Array.from(targets.rows, (c, i) => i * classes + c),
      [n],
      'int32',
    );
    const picked = gather(logProbs.reshape([n * classes]), flat, 0);
    return reduceKept(picked.neg(), targets, reduction);
  });
}
