/** Classification losses: softmax cross-entropy from logits and binary cross-entropy. */
import { noGrad } from '@nn/autograd';
import {
  DTypeError,
  fmtShape,
  type OptionKeys,
  oneHot,
  relu,
  ShapeError,
  softmaxCrossEntropy,
  Tensor,
  tidy,
  ValueError,
  where,
} from '@nn/tensor';
import { classIndices, ignoreIndexOf, reduceKept } from './class-indices';
import { checkPair, type LossOptions, reduce, reductionOf } from './reduction';
import { reportValueCheck } from './value-checks';

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions extends LossOptions {
  /** Mixes the target with the uniform distribution: (1 - s) * target + s / C (default 0, in [0, 1]). */
  labelSmoothing?: number;
  /** A class index whose rows add nothing to the loss and are left out of the mean (class-index targets only). */
  ignoreIndex?: number;
}

const CROSS_ENTROPY_OPTIONS: OptionKeys<CrossEntropyOptions> = {
  reduction: true,
  labelSmoothing: true,
  ignoreIndex: true,
};

/**
 * Cross-entropy of `logits` [N, C] against int32 class indices [N] or class probabilities [N, C]
 * (one-hot or soft), computed stably by the fused softmax-cross-entropy op; `labelSmoothing` and `ignoreIndex`
 * as PyTorch.
 * @example crossEntropy(model.forward(x), labels, { labelSmoothing: 0.1 }) // labels: int32 [N]
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const loss = 'crossEntropy';
  if (!(logits instanceof Tensor)) throw new ValueError(`${loss}: logits must be a Tensor`);
  if (!(target instanceof Tensor)) throw new ValueError(`${loss}: target must be a Tensor`);
  const reduction = reductionOf(loss, options, CROSS_ENTROPY_OPTIONS);
  const smoothing = options.labelSmoothing ?? 0;
  if (!(typeof smoothing === 'number' && smoothing >= 0 && smoothing <= 1)) {
    throw new ValueError(`${loss}: labelSmoothing must be a number in [0, 1], got ${String(smoothing)}`);
  }
  const ignoreIndex = ignoreIndexOf(loss, options.ignoreIndex);
  if (logits.rank !== 2) throw new ShapeError(`${loss}: logits must be [N, C], got ${fmtShape(logits.shape)}`);
  if (logits.dtype === 'int32') throw new DTypeError(`${loss}: logits must be a float tensor, got int32`);
  const [n, classes] = logits.shape as [number, number];
  if (classes === 1) {
    // The softmax of one logit is always 1: the loss would be 0 and the gradient 0 whatever the target.
    throw new ShapeError(
      `${loss}: logits ${fmtShape(logits.shape)} have one class, so the loss is always 0 (target ${fmtShape(target.shape)}); ` +
        'for one output per sample use binaryCrossEntropy(logits, target, { fromLogits: true })',
    );
  }
  // PyTorch's smoothing: the target distribution becomes (1 - s) * target + s / C, for indices and probabilities.
  const smooth = (probabilities: Tensor) =>
    smoothing === 0 ? probabilities : probabilities.mul(1 - smoothing).add(smoothing / classes);
  return tidy(() => {
    if (target.dtype === 'int32') {
      const targets = classIndices(loss, target, logits, ignoreIndex);
      let probabilities = oneHot(targets.safe, classes);
      if (logits.dtype !== 'float32') probabilities = probabilities.cast(logits.dtype);
      return reduceKept(softmaxCrossEntropy(logits, smooth(probabilities)), targets, reduction);
    }
    if (target.rank !== 2 || target.shape[0] !== n || target.shape[1] !== classes) {
      throw new ShapeError(
        `${loss}: target probabilities must match logits ${fmtShape(logits.shape)}, got ${fmtShape(target.shape)} (or pass int32 class indices [N])`,
      );
    }
    if (target.dtype !== logits.dtype) {
      throw new DTypeError(`${loss}: logits and target dtypes differ: ${logits.dtype} and ${target.dtype}`);
    }
    if (ignoreIndex !== undefined) {
      throw new ValueError(`${loss}: ignoreIndex applies to int32 class indices, not to target probabilities`);
    }
    return reduce(softmaxCrossEntropy(logits, smooth(target)), reduction);
  });
}

/** Options of `binaryCrossEntropy`. */
export interface BinaryCrossEntropyOptions extends LossOptions {
  /** The predictions are logits (any real number), not probabilities: more stable than sigmoid + BCE. */
  fromLogits?: boolean;
}

/**
 * -(t * log(p) + (1 - t) * log(1 - p)) of probabilities `p` against targets `t` in [0, 1]; each log is
 * clamped at -100 like PyTorch, so p = 0 or 1 gives a large finite loss instead of Infinity.
 * With `{ fromLogits: true }` it takes logits x and computes softplus(x) - x * t stably (no sigmoid needed).
 * A probability or a target outside [0, 1] (or NaN) is a ValueError: read at once in a direct call, at fit's or
 * evaluate's next read inside them (see value-checks.ts); where it cannot be read (webgpu) the loss is NaN.
 */
export function binaryCrossEntropy(
  prediction: Tensor,
  target: Tensor,
  options: BinaryCrossEntropyOptions = {},
): Tensor {
  const loss = 'binaryCrossEntropy';
  checkPair(loss, prediction, target);
  const reduction = reductionOf(loss, options, BCE_OPTIONS);
  const fromLogits = options.fromLogits === true;
  return tidy(() => {
    const valid = checkProbabilities(prediction, target, fromLogits);
    let perElement: Tensor;
    if (fromLogits) {
      const x = prediction;
      // softplus(x) = m + log(exp(-m) + exp(x - m)) with m = max(x, 0), which never overflows. m is held
      // constant for autograd (the result does not depend on it), so the gradient is exactly sigmoid(x) - t,
      // also at x = 0 where max(x, 0) + log(1 + exp(-|x|)) would give autograd only a subgradient.
      const m = noGrad(() => relu(x));
      const softplus = m.add(m.neg().exp().add(x.sub(m).exp()).log());
      perElement = softplus.sub(x.mul(target));
    } else {
      const logP = clampedLog(prediction);
      const logNotP = clampedLog(prediction.neg().add(1));
      perElement = target.mul(logP).add(target.neg().add(1).mul(logNotP)).neg();
    }
    // Not checkable now (no synchronous read): NaN where the inputs are bad, never a plausible number.
    if (valid !== null) perElement = where(valid, perElement, Number.NaN);
    return reduce(perElement, reduction);
  });
}

const BCE_OPTIONS: OptionKeys<BinaryCrossEntropyOptions> = { reduction: true, fromLogits: true };

/**
 * Counts, on the device, the probabilities (unless `fromLogits`) and targets outside [0, 1] or NaN, and reports
 * the count (value-checks.ts). Returns the 0/1 mask of valid elements when the count could not be checked, else null.
 */
function checkProbabilities(prediction: Tensor, target: Tensor, fromLogits: boolean): Tensor | null {
  const inRange = (t: Tensor) => t.clip(0, 1).equal(t); // NaN is not equal to itself
  const valid = noGrad(() => (fromLogits ? inRange(target) : inRange(prediction).mul(inRange(target))));
  const count = noGrad(() => valid.sum().neg().add(valid.size));
  const what = fromLogits ? 'targets' : 'probabilities and targets';
  const outcome = reportValueCheck(
    { count, message: (n) => `binaryCrossEntropy: ${what} must be in [0, 1]; ${n} value(s) are outside it (or NaN)` },
    (n) => firstOutOfRange(prediction, target, fromLogits) ?? `binaryCrossEntropy: ${n} ${what} outside [0, 1]`,
  );
  return outcome === 'unchecked' ? valid : null;
}

/** The error of a direct call: the first bad value and where it is (reads the inputs; only on failure). */
function firstOutOfRange(prediction: Tensor, target: Tensor, fromLogits: boolean): string | undefined {
  const bad = (v: number) => !(v >= 0 && v <= 1);
  const hint = fromLogits ? '' : ' (for logits pass { fromLogits: true })';
  if (!fromLogits) {
    const p = prediction.dataSync();
    const i = p.findIndex(bad);
    if (i >= 0) {
      return `binaryCrossEntropy: probabilities must be in [0, 1], got ${p[i]} at flat index ${i} of ${fmtShape(prediction.shape)}${hint}`;
    }
  }
  const t = target.dataSync();
  const i = t.findIndex(bad);
  if (i < 0) return undefined;
  return `binaryCrossEntropy: targets must be in [0, 1], got ${t[i]} at flat index ${i} of ${fmtShape(target.shape)}`;
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
