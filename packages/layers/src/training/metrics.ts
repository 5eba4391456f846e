/** Metrics by name, and loss functions by name, as `fit` and `evaluate` accept them. */
import { fmtShape, oneHot, ShapeError, type Tensor, tidy, ValueError } from '@nn/tensor';
import { binaryCrossEntropy, crossEntropy } from '../losses/classification';
import { klDiv } from '../losses/kl-div';
import { nllLoss } from '../losses/nll';
import { huberLoss, l1Loss, meanBiasError, mseLoss, smoothL1Loss } from '../losses/regression';

/** A loss: (prediction, target) => scalar Tensor. */
export type LossFn = (prediction: Tensor, target: Tensor) => Tensor;

/** Loss names `fit` understands (PyTorch-ish and Keras-ish spellings). */
export type LossName =
  | 'crossEntropy'
  | 'binaryCrossEntropy'
  | 'mse'
  | 'mseLoss'
  | 'mae'
  | 'l1'
  | 'l1Loss'
  | 'meanBiasError'
  | 'huberLoss'
  | 'smoothL1Loss'
  | 'nllLoss'
  | 'klDiv';

const LOSSES: Record<LossName, LossFn> = {
  crossEntropy: (p, t) => crossEntropy(p, t),
  binaryCrossEntropy: (p, t) => binaryCrossEntropy(p, t),
  mse: (p, t) => mseLoss(p, t),
  mseLoss: (p, t) => mseLoss(p, t),
  mae: (p, t) => l1Loss(p, t),
  l1: (p, t) => l1Loss(p, t),
  l1Loss: (p, t) => l1Loss(p, t),
  meanBiasError: (p, t) => meanBiasError(p, t),
  huberLoss: (p, t) => huberLoss(p, t),
  smoothL1Loss: (p, t) => smoothL1Loss(p, t),
  nllLoss: (p, t) => nllLoss(p, t),
  klDiv: (p, t) => klDiv(p, t),
};

/** The loss function for a name or function. */
export function resolveLoss(loss: LossFn | LossName, owner: string): LossFn {
  if (typeof loss === 'function') return loss;
  if (typeof loss === 'string' && Object.hasOwn(LOSSES, loss)) return LOSSES[loss];
  throw new ValueError(
    `${owner}: unknown loss ${JSON.stringify(loss)} (a function or one of ${Object.keys(LOSSES).join(', ')})`,
  );
}

/** Metric names: 'accuracy', 'error' (fraction misclassified), 'mae', 'mse'. */
export type MetricName = 'accuracy' | 'error' | 'mae' | 'mse';
/** Every metric name `fit` and `evaluate` accept. */
export const METRIC_NAMES: readonly MetricName[] = ['accuracy', 'error', 'mae', 'mse'];

/**
 * Predicted and actual classes as flat tensors of the same length (argmax for [N, C], threshold 0.5 for one
 * output per sample). Only shapes are inspected on the host: nothing is read back from the device.
 */
function classes(prediction: Tensor, target: Tensor, name: MetricName): { predicted: Tensor; actual: Tensor } {
  const n = prediction.shape[0] ?? 1;
  const perSample = prediction.size / Math.max(n, 1);
  let predicted: Tensor;
  let actual: Tensor;
  if (prediction.rank >= 2 && perSample > 1) {
    predicted = prediction.reshape([n, perSample]).argmax(1);
    actual = target.dtype === 'int32' && target.size === n ? target : target.reshape([n, -1]).argmax(1);
  } else {
    // Binary: a probability per sample (use a sigmoid output; for logits, threshold 0 is what matters).
    predicted = prediction.greater(0.5);
    actual = target.dtype === 'int32' ? target.cast('float32') : target.greater(0.5);
  }
  if (predicted.size !== actual.size) {
    throw new ValueError(`metric ${name}: ${predicted.size} predictions but ${actual.size} labels`);
  }
  return { predicted: predicted.reshape([-1]), actual: actual.reshape([-1]) };
}

/**
 * Sum of the metric over the batch's samples, as a scalar tensor left on the device (so epoch values are exact
 * sample-weighted means, and training never waits for a read-back). Accuracy/error are counts (float32).
 */
export function metricSum(name: MetricName, prediction: Tensor, target: Tensor): Tensor {
  return tidy(() => {
    if (name === 'accuracy' || name === 'error') {
      const { predicted, actual } = classes(prediction, target, name);
      const matches = predicted.equal(actual);
      return (name === 'accuracy' ? matches : matches.neg().add(1)).sum();
    }
    let t = target;
    // Class indices against per-class outputs: compare with the one-hot encoding.
    if (t.dtype === 'int32' && t.rank === 1 && prediction.rank === 2 && prediction.shape[1]! > 1) {
      t = oneHot(t, prediction.shape[1]!);
    }
    if (t.size !== prediction.size) {
      // Broadcasting would quietly average over the wrong pairs ([N, 1] against [N] gives N x N differences).
      throw new ShapeError(
        `metric ${name}: prediction ${fmtShape(prediction.shape)} and target ${fmtShape(target.shape)} have different sizes`,
      );
    }
    if (t.dtype !== prediction.dtype) t = t.cast(prediction.dtype);
    const diff = prediction.sub(t.reshape(prediction.shape));
    const perElement = name === 'mae' ? diff.abs() : diff.square();
    // Mean over each sample's elements, summed over samples.
    const n = prediction.shape[0] ?? 1;
    return perElement.sum().mul(n / perElement.size);
  });
}

export function checkMetrics(metrics: readonly string[], owner: string): MetricName[] {
  if (!Array.isArray(metrics)) throw new ValueError(`${owner}: metrics must be an array of names`);
  for (const m of metrics) {
    if (!METRIC_NAMES.includes(m as MetricName)) {
      throw new ValueError(`${owner}: unknown metric ${JSON.stringify(m)} (known: ${METRIC_NAMES.join(', ')})`);
    }
  }
  return metrics as MetricName[];
}

/** `valAccuracy` from `accuracy`. */
export function validationKey(name: string): string {
  return `val${name[0]!.toUpperCase()}${name.slice(1)}`;
}
