/** What fit/evaluate/predict accept as data, checked with errors that name the function and the argument. */
import { type Dataset, type Sample, Subset } from '@nn/data';
import { ShapeError, Tensor, ValueError } from '@nn/tensor';
import { type PassData, range, TensorRows, tensorRowsOf } from './batches';

/** Training or validation data: a Dataset of `{ x, y }` samples, or whole tensors `{ x, y }`. */
export type Data = Dataset<Sample> | { x: Tensor; y: Tensor };

/** `data` as non-empty pass data: tensor rows for tensors (batched on their device), else the Dataset. */
export function toDataset(data: Data, owner: string, name: string): PassData {
  let dataset: PassData;
  if (data !== null && typeof data === 'object' && 'x' in data && data.x instanceof Tensor) {
    const { x, y } = data;
    if (!(y instanceof Tensor)) throw new ValueError(`${owner}: ${name}.y must be a Tensor`);
    if (x.rank === 0 || y.rank === 0 || x.shape[0] !== y.shape[0]) {
      throw new ShapeError(
        `${owner}: ${name}.x and ${name}.y must share their first dimension, got [${x.shape.join(',')}] and [${y.shape.join(',')}]`,
      );
    }
    dataset = new TensorRows(x, y, 0, x.shape[0]!);
  } else if (data === null || typeof data !== 'object' || typeof (data as Dataset).get !== 'function') {
    throw new ValueError(`${owner}: ${name} must be a Dataset or { x, y } tensors`);
  } else {
    dataset = tensorRowsOf(data as Dataset<Sample>) ?? (data as Dataset<Sample>);
  }
  // An empty epoch would "train" without a single step and report no numbers at all.
  if (dataset.length === 0) throw new ValueError(`${owner}: ${name} is empty (0 samples)`);
  return dataset;
}

/**
 * Keras' `validation_split`: the last `fraction` of the samples, taken before any shuffling, become the validation
 * set; the first `floor(n * (1 - fraction))` stay for training (views, no copy).
 * @example splitValidation(dataset, 0.2, 'fit') // 100 samples -> train 0..79, validation 80..99
 */
export function splitValidation(
  dataset: PassData,
  fraction: number,
  owner: string,
): { train: PassData; validation: PassData } {
  if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) {
    throw new ValueError(`${owner}: validationSplit must be a number in (0, 1), got ${String(fraction)}`);
  }
  const n = dataset.length;
  const trainCount = Math.floor(n * (1 - fraction));
  if (trainCount === 0 || trainCount === n) {
    throw new ValueError(
      `${owner}: validationSplit ${fraction} of ${n} samples leaves ${trainCount} for training and ${n - trainCount} for validation; both need at least one`,
    );
  }
  if (dataset instanceof TensorRows) {
    const [train, validation] = dataset.split(trainCount);
    return { train, validation };
  }
  return { train: new Subset(dataset, range(0, trainCount)), validation: new Subset(dataset, range(trainCount, n)) };
}

/** The prediction tensor of a forward result (RNNs return `{ output, hidden }`). */
export function asPrediction(out: unknown, owner: string): Tensor {
  if (out instanceof Tensor) return out;
  const output = (out as { output?: unknown } | null)?.output;
  if (output instanceof Tensor) return output;
  throw new ValueError(`${owner}: model.forward must return a Tensor (or { output })`);
}

export function checkPositiveInt(owner: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ValueError(`${owner}: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
