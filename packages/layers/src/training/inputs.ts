/** What fit/evaluate/predict accept as data, checked with errors that name the function and the argument. */
import { type Dataset, type Sample, Subset, TensorDataset } from '@nn/data';
import { Tensor, ValueError } from '@nn/tensor';

/** Training or validation data: a Dataset of `{ x, y }` samples, or whole tensors `{ x, y }`. */
export type Data = Dataset<Sample> | { x: Tensor; y: Tensor };

/** `data` as a non-empty Dataset. */
export function toDataset(data: Data, owner: string, name: string): Dataset<Sample> {
  let dataset: Dataset<Sample>;
  if (data !== null && typeof data === 'object' && 'x' in data && data.x instanceof Tensor) {
    if (!(data.y instanceof Tensor)) throw new ValueError(`${owner}: ${name}.y must be a Tensor`);
    dataset = new TensorDataset(data.x, data.y);
  } else if (data === null || typeof data !== 'object' || typeof (data as Dataset).get !== 'function') {
    throw new ValueError(`${owner}: ${name} must be a Dataset or { x, y } tensors`);
  } else {
    dataset = data as Dataset<Sample>;
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
  dataset: Dataset<Sample>,
  fraction: number,
  owner: string,
): { train: Dataset<Sample>; validation: Dataset<Sample> } {
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
  const range = (start: number, end: number) => Int32Array.from({ length: end - start }, (_, i) => start + i);
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
