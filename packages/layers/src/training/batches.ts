/**
 * The batches of one pass over `fit`/`evaluate` data. Data held as tensors (`{ x, y }`, a plain TensorDataset)
 * are batched where they live: a slice of rows in file order, a gather of the epoch's rows when shuffled. The
 * DataLoader path would read the whole dataset back to the host once per call (188 MB for the MNIST MLP inputs),
 * copy every batch's rows on the host and upload them again; it remains for other datasets and host transforms
 * (randomAffine, normalize), which need the rows on the host. Both paths give the same batches in the same order.
 */
import { type Batch, DataLoader, type Dataset, type Sample, Subset, TensorDataset, type Transform } from '@nn/data';
import { type Tensor, tensor, tidy } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';

/** Rows `start .. start + length - 1` of tensors `x` and `y` (a view: nothing is copied). */
export class TensorRows {
  #dataset: Dataset<Sample> | undefined;

  constructor(
    readonly x: Tensor,
    readonly y: Tensor,
    readonly start: number,
    readonly length: number,
    dataset?: Dataset<Sample>,
  ) {
    this.#dataset = dataset;
  }

  /** The same rows as a Dataset, for the host path (made on first use: it copies the tensors to the host). */
  dataset(): Dataset<Sample> {
    if (this.#dataset === undefined) {
      const all = new TensorDataset(this.x, this.y);
      const whole = this.start === 0 && this.length === all.length;
      this.#dataset = whole ? all : new Subset(all, range(this.start, this.start + this.length));
    }
    return this.#dataset;
  }

  /** The first `count` rows and the rest. */
  split(count: number): [TensorRows, TensorRows] {
    return [
      new TensorRows(this.x, this.y, this.start, count),
      new TensorRows(this.x, this.y, this.start + count, this.length - count),
    ];
  }
}

/** What fit and evaluate iterate: a Dataset of samples, or rows of tensors. */
export type PassData = Dataset<Sample> | TensorRows;

/** One pass's batches; each iteration is one epoch (its order set by `setEpoch` when shuffled). */
export interface EpochBatches extends Iterable<Batch> {
  readonly length: number;
  setEpoch(epoch: number): void;
}

export interface BatchOptions {
  batchSize: number;
  shuffle?: boolean;
  seed?: number;
  transform?: Transform;
}

export function range(start: number, end: number): Int32Array {
  return Int32Array.from({ length: end - start }, (_, i) => start + i);
}

/** Rows of a plain TensorDataset (not a subclass, whose `get` may differ) of one or two tensors; else undefined. */
export function tensorRowsOf(dataset: Dataset<Sample>): TensorRows | undefined {
  if (!(dataset instanceof TensorDataset) || dataset.constructor !== TensorDataset) return undefined;
  const [x, y, ...more] = dataset.tensors;
  if (x === undefined || more.length > 0) return undefined;
  return new TensorRows(x, y ?? x, 0, dataset.length, dataset);
}

/**
 * The batches of `data`: on the device for tensor rows (unless a host transform needs the rows on the host),
 * through a DataLoader otherwise.
 * @example for (const { x, y } of batchesOf(rows, { batchSize: 64 })) { ... }
 */
export function batchesOf(data: PassData, options: BatchOptions): EpochBatches {
  const { transform } = options;
  if (data instanceof TensorRows && (transform === undefined || typeof transform === 'function')) {
    return new DeviceBatches(data, options);
  }
  const dataset = data instanceof TensorRows ? data.dataset() : data;
  return new DataLoader(dataset, options);
}

/** Batches cut from tensors on their device, in the DataLoader's order (same seed, same epoch, same rows). */
class DeviceBatches implements EpochBatches {
  readonly length: number;
  /** Gives the sample order of an epoch exactly as the DataLoader path would. */
  private readonly orders: DataLoader;
  private epoch = 0;

  constructor(
    private readonly rows: TensorRows,
    private readonly options: BatchOptions,
  ) {
    const { batchSize, shuffle = false, seed = 0 } = options;
    const length = rows.length;
    const indexOnly: Dataset<Sample> = {
      length,
      get: () => {
        throw new Error('DeviceBatches: the order source holds no samples');
      },
    };
    this.orders = new DataLoader(indexOnly, { batchSize, shuffle, seed });
    this.length = this.orders.length;
  }

  setEpoch(epoch: number): void {
    this.epoch = epoch;
  }

  *[Symbol.iterator](): Iterator<Batch> {
    const { x, y, start, length } = this.rows;
    const { batchSize, shuffle = false, transform } = this.options;
    const order = shuffle ? this.orders.order(this.epoch) : undefined;
    this.epoch++;
    for (let b = 0; b < length; b += batchSize) {
      const count = Math.min(batchSize, length - b);
      const batch = tidy((): Batch => {
        if (order === undefined) return { x: rowSlice(x, start + b, count), y: rowSlice(y, start + b, count) };
        const picked = order.subarray(b, b + count);
        const indices = tensor(start === 0 ? picked : picked.map((i) => i + start), [count], 'int32');
        // The kernel itself: gather() would read the indices back to check their range, and these are a permutation.
        const rowsOf = (t: Tensor) => engine.runKernel('Gather', { x: t, indices }, { axis: 0 });
        return { x: rowsOf(x), y: rowsOf(y) };
      });
      yield typeof transform === 'function' ? transform(batch) : batch;
    }
  }
}

function rowSlice(t: Tensor, first: number, count: number): Tensor {
  return t.slice([first, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1)]);
}
