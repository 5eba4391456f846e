import { ShapeError, ValueError } from '@nn/tensor';
import { type Batch, type Dataset, type HostBatch, isBatchSource, type Sample } from './dataset';
import { allocHost, fromTensor, type HostTensor, toTensors } from './host';
import { mixSeed, Rng } from './random';
import { applyTransform, type Transform } from './transforms';

/** Options of a DataLoader. */
export interface DataLoaderOptions {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Reshuffle every epoch (default false). */
  shuffle?: boolean;
  /** Seed of the shuffle: the same seed gives the same order on every run (default 0). */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Applied to every batch: a host transform (normalize, randomAffine, compose) or a function of Tensors. */
  transform?: Transform;
}

/**
 * Iterates a dataset in batches `{ x, y }` (x [B, ...], y [B, ...]), sync or async. Each iteration is one epoch;
 * with `shuffle` each epoch gets its own order, derived from `seed` and the epoch number (see `setEpoch`).
 * Batches are assembled by copying rows into one typed array per batch, not via per-sample tensors.
 * @example for await (const { x, y } of new DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 })) { ... }
 */
export class DataLoader implements AsyncIterable<Batch>, Iterable<Batch> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly transform: Transform | undefined;
  /** The epoch the next iteration runs (starts at 0, advances each time an iteration starts). */
  epoch = 0;

  constructor(
    readonly dataset: Dataset<Sample>,
    options: DataLoaderOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new ValueError(`DataLoader: batchSize must be a positive integer, got ${options.batchSize}`);
    }
    this.shuffle = options.shuffle ?? false;
    this.seed = options.seed ?? 0;
    this.dropLast = options.dropLast ?? false;
    this.transform = options.transform;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Sets the epoch the next iteration runs, e.g. to resume a training run with the exact same order. */
  setEpoch(epoch: number): void {
    this.epoch = epoch;
  }

  /** The sample order of an epoch. */
  order(epoch = this.epoch): Int32Array {
    const n = this.dataset.length;
    if (this.shuffle) return new Rng(mixSeed(this.seed, epoch)).permutation(n);
    return Int32Array.from({ length: n }, (_, i) => i);
  }

  *[Symbol.iterator](): Iterator<Batch> {
    const epoch = this.epoch++;
    const order = this.order(epoch);
    for (let b = 0; b < this.length; b++) {
      yield this.makeBatch(order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length)));
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    for (const batch of this) yield batch;
  }

  private makeBatch(indices: Int32Array): Batch {
    const host = isBatchSource(this.dataset) ? this.dataset.getBatchHost(indices) : collate(this.dataset, indices);
    // Host transforms may change x in place; a one-tensor dataset's y (the same rows) keeps the untransformed copy.
    const own = host.y === host.x && this.transform !== undefined && typeof this.transform !== 'function';
    return applyTransform(this.transform, own ? { x: copyHost(host.x), y: host.y } : host, toBatch);
  }
}

function toBatch(host: HostBatch): Batch {
  return toTensors(host);
}

function copyHost(host: HostTensor): HostTensor {
  return { data: host.data.slice(), shape: host.shape, dtype: host.dtype };
}

/** Stacks samples of a generic dataset: one typed array per batch, rows copied in. */
function collate(dataset: Dataset<Sample>, indices: ArrayLike<number>): HostBatch {
  let xs: HostTensor | undefined;
  let ys: HostTensor | undefined;
  for (let k = 0; k < indices.length; k++) {
    const sample = dataset.get(indices[k]!);
    xs = place(xs, fromTensor(sample.x), k, indices.length, 'x');
    ys = place(ys, fromTensor(sample.y), k, indices.length, 'y');
  }
  if (xs === undefined || ys === undefined) throw new ValueError('DataLoader: empty batch');
  return { x: xs, y: ys };
}

function place(batch: HostTensor | undefined, row: HostTensor, k: number, count: number, name: string): HostTensor {
  const out = batch ?? {
    data: allocHost(row.dtype, count * row.data.length),
    shape: [count, ...row.shape],
    dtype: row.dtype,
  };
  const expected = out.shape.slice(1);
  if (row.dtype !== out.dtype || row.shape.length !== expected.length || row.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      `DataLoader: sample ${name} of ${row.dtype} [${row.shape}] does not match the batch's ${out.dtype} [${expected}]`,
    );
  }
  out.data.set(row.data, k * row.data.length);
  return out;
}
