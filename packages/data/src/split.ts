import { ValueError } from '@nn/tensor';
import { type Dataset, isBatchSource, type Sample, Subset } from './dataset';
import type { HostTensor } from './host';
import { Rng } from './random';

/** Options of trainTestSplit. */
export interface TrainTestSplitOptions {
  /** Fraction of samples in the test set (default 0.2). */
  testFraction?: number;
  /** Seed of the shuffle (default 0): the same seed gives the same split on every run. */
  seed?: number;
  /**
   * Keep class proportions equal in both sets: `true` uses the dataset's y (class indices, or one-hot rows),
   * or pass the labels.
   */
  stratify?: boolean | ArrayLike<number>;
}

/**
 * Splits a dataset into shuffled train and test subsets (default 80/20), optionally stratified by label.
 * @example const { train, test } = trainTestSplit(dataset, { testFraction: 0.2, seed: 0 });
 */
export function trainTestSplit<T>(
  dataset: Dataset<T>,
  options: TrainTestSplitOptions = {},
): { train: Subset<T>; test: Subset<T> } {
  const testFraction = options.testFraction ?? 0.2;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new ValueError(`trainTestSplit: testFraction must be in (0, 1), got ${testFraction}`);
  }
  const n = dataset.length;
  const testCount = Math.round(n * testFraction);
  const rng = new Rng(options.seed ?? 0);
  if (options.stratify === undefined || options.stratify === false) {
    const order = rng.permutation(n);
    return {
      train: new Subset(dataset, order.subarray(testCount)),
      test: new Subset(dataset, order.subarray(0, testCount)),
    };
  }
  const labels = options.stratify === true ? labelsOf(dataset as Dataset<unknown>) : options.stratify;
  if (labels.length !== n) {
    throw new ValueError(`trainTestSplit: stratify has ${labels.length} labels for ${n} samples`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    const members = byClass.get(label) ?? [];
    members.push(i);
    byClass.set(label, members);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  // Largest-remainder apportionment: per-class test counts that add up exactly to testCount.
  const quotas = classes.map((c) => (byClass.get(c)!.length * testCount) / n);
  const counts = quotas.map(Math.floor);
  const remaining = testCount - counts.reduce((a, b) => a + b, 0);
  const byRemainder = classes
    .map((_, k) => k)
    .sort((a, b) => quotas[b]! - counts[b]! - (quotas[a]! - counts[a]!) || a - b);
  for (let k = 0; k < remaining; k++) counts[byRemainder[k]!]!++;
  const train: number[] = [];
  const test: number[] = [];
  classes.forEach((c, k) => {
    const members = Int32Array.from(byClass.get(c)!);
    rng.shuffle(members);
    test.push(...members.subarray(0, counts[k]));
    train.push(...members.subarray(counts[k]));
  });
  return {
    train: new Subset(dataset, rng.shuffle(Int32Array.from(train))),
    test: new Subset(dataset, rng.shuffle(Int32Array.from(test))),
  };
}

/**
 * Splits a dataset into shuffled, disjoint subsets, by fractions that sum to 1 or by lengths that sum to its
 * length (like PyTorch's random_split).
 * @example const [train, val] = randomSplit(dataset, [0.9, 0.1], { seed: 0 });
 */
export function randomSplit<T>(
  dataset: Dataset<T>,
  sizes: readonly number[],
  options: { seed?: number } = {},
): Subset<T>[] {
  const n = dataset.length;
  const total = sizes.reduce((a, b) => a + b, 0);
  let lengths: number[];
  if (sizes.every((s) => Number.isInteger(s) && s >= 0) && total === n) {
    lengths = [...sizes];
  } else if (sizes.every((f) => f >= 0 && f <= 1) && Math.abs(total - 1) < 1e-6) {
    lengths = sizes.map((f) => Math.floor(f * n));
    let left = n - lengths.reduce((a, b) => a + b, 0);
    for (let k = 0; left > 0; k = (k + 1) % lengths.length, left--) lengths[k]!++; // round-robin, as PyTorch
  } else {
    throw new ValueError(
      `randomSplit: sizes must be fractions summing to 1 or lengths summing to ${n}, got [${sizes}]`,
    );
  }
  const order = new Rng(options.seed ?? 0).permutation(n);
  let start = 0;
  return lengths.map((length) => {
    const subset = new Subset(dataset, order.subarray(start, start + length));
    start += length;
    return subset;
  });
}

/** Class labels of a dataset of samples { x, y }: y as a class index, or the argmax of a one-hot/probability row. */
function labelsOf(dataset: Dataset<unknown>): Int32Array {
  const n = dataset.length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  let y: HostTensor;
  if (isBatchSource(dataset)) {
    y = dataset.getBatchHost(all).y;
  } else {
    const rows = Array.from(all, (i) => (dataset.get(i) as Sample).y.dataSync());
    const width = rows[0]?.length ?? 1;
    const data = new Float64Array(n * width);
    for (const [i, row] of rows.entries()) data.set(row, i * width);
    y = { data, shape: [n, width], dtype: 'float64' };
  }
  const width = n === 0 ? 1 : y.data.length / n;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < width; j++) if (y.data[i * width + j]! > y.data[i * width + best]!) best = j;
    labels[i] = width === 1 ? y.data[i]! : best;
  }
  return labels;
}
