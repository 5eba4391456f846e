/** Classification losses: softmax cross-entropy from logits and binary cross-entropy. */
import {
  DTypeError,
  engine,
  fmtShape,
  oneHot,
  relu,
  ShapeError,
  softmaxCrossEntropy,
  Tensor,
  tidy,
  ValueError,
  where,
} from '@nn/tensor';
import { checkPair, type LossOptions, reduce, reductionOf } from './reduction';

/**
 * Cross-entropy of `logits` [N, C] against int32 class indices [N] or class probabilities [N, C]
 * (one-hot or soft), computed stably by the fused softmax-cross-entropy op.
 * @example crossEntropy(model.forward(x), labels) // labels: int32 [N]
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const loss = 'crossEntropy';
  if (!(logits instanceof Tensor)) throw new ValueError(`${loss}: logits must be a Tensor`);
  if (!(target instanceof Tensor)) throw new ValueError(`${loss}: target must be a Tensor`);
  const reduction = reductionOf(loss, options);
  if (logits.rank !== 2) throw new ShapeError(`${loss}: logits must be [N, C], got ${fmtShape(logits.shape)}`);
  if (logits.dtype === 'int32') throw new DTypeError(`${loss}: logits must be a float tensor, got int32`);
  const [n, classes] = logits.shape as [number, number];
  return tidy(() => {
    let probabilities: Tensor;
    if (target.dtype === 'int32') {
      if (target.rank !== 1 || target.shape[0] !== n) {
        throw new ShapeError(
          `${loss}: class indices must be [N] = [${n}] for logits ${fmtShape(logits.shape)}, got ${fmtShape(target.shape)}`,
        );
      }
      const indices = target.dataSync();
      for (let i = 0; i < indices.length; i++) {
        const c = indices[i]!;
        if (c < 0 || c >= classes) {
          throw new ValueError(`${loss}: class index ${c} at position ${i} is out of range for ${classes} classes`);
        }
      }
      probabilities = oneHot(target, classes);
      if (logits.dtype !== 'float32') probabilities = probabilities.cast(logits.dtype);
    } else {
      if (target.rank !== 2 || target.shape[0] !== n || target.shape[1] !== classes) {
        throw new ShapeError(
          `${loss}: target probabilities must match logits ${fmtShape(logits.shape)}, got ${fmtShape(target.shape)} (or pass int32 class indices [N])`,
        );
      }
      if (target.dtype !== logits.dtype) {
        throw new DTypeError(`${loss}: logits and target dtypes differ: ${logits.dtype} and ${target.dtype}`);
      }
      probabilities = target;
    }
    return reduce(softmaxCrossEntropy(logits, probabilities), reduction);
  });
}

export interface BinaryCrossEntropyOptions extends LossOptions {
  /** The predictions are logits (any real number), not probabilities: more stable than sigmoid + BCE. */
  fromLogits?: boolean;
}

/**
 * -(t * log(p) + (1 - t) * log(1 - p)) of probabilities `p` against targets `t` in [0, 1]; each log is
 * clamped at -100 like PyTorch, so p = 0 or 1 gives a large finite loss instead of Infinity.
 * With `{ fromLogits: true }` it takes logits x and computes softplus(x) - x * t stably (no sigmoid needed).
 */
export function binaryCrossEntropy(
  prediction: Tensor,
  target: Tensor,
  options: BinaryCrossEntropyOptions = {},
): Tensor {
  const loss = 'binaryCrossEntropy';
  checkPair(loss, prediction, target);
  const reduction = reductionOf(loss, options);
  if (options.fromLogits) {
    return tidy(() => {
      const x = prediction;
      // softplus(x) = m + log(exp(-m) + exp(x - m)) with m = max(x, 0), which never overflows. m is held
      // constant for autograd (the result does not depend on it), so the gradient is exactly sigmoid(x) - t,
      // also at x = 0 where max(x, 0) + log(1 + exp(-|x|)) would give autograd only a subgradient.
      const m = engine.withoutRecording(() => relu(x));
      const softplus = m.add(m.neg().exp().add(x.sub(m).exp()).log());
      return reduce(softplus.sub(x.mul(target)), reduction);
    });
  }
  return tidy(() => {
    const logP = clampedLog(prediction);
    const logNotP = clampedLog(prediction.neg().add(1));
    const perElement = target.mul(logP).add(target.neg().add(1).mul(logNotP)).neg();
    return reduce(perElement, reduction);
  });
}

/** exp(-100): below it, log(p) is clamped to -100 as PyTorch does. */
const LOG_FLOOR_INPUT = Math.exp(-100);

/**
 * max(log(p), -100), written with `where` twice so that p = 0 (a saturated sigmoid) gives a zero
 * gradient instead of 0 * Infinity = NaN, which would poison every parameter.
 */
function clampedLog(p: Tensor): Tensor {
  const above = p.greater(LOG_FLOOR_INPUT);
  return where(above, where(above, p, 1).log(), -100);
}
