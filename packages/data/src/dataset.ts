import { IndexError, ShapeError, type Tensor, ValueError } from '@nn/tensor';
import { allocHost, fromTensor, type HostTensor, sizeOf, toTensor, toTensors } from './host';

/** A collection of samples with a length and random access: the PyTorch `Dataset` protocol. */
export interface Dataset<T = Sample> {
  readonly length: number;
  get(index: number): T;
}

/** One supervised example: input `x` and target `y`. */
export interface Sample {
  x: Tensor;
  y: Tensor;
}

/** A batch of examples stacked along a new first axis: x [B, ...], y [B, ...]. */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

/** A batch still in host memory (typed arrays), as transforms see it. */
export interface HostBatch {
  x: HostTensor;
  y: HostTensor;
}

/** A dataset that can assemble many rows at once in host memory (the DataLoader fast path). */
export interface BatchSource {
  getBatchHost(indices: ArrayLike<number>): HostBatch;
}

/** True when a dataset offers the batch fast path. */
export function isBatchSource(dataset: object): dataset is BatchSource {
  const candidate = dataset as Partial<BatchSource> & { hasBatchPath?: boolean };
  return typeof candidate.getBatchHost === 'function' && candidate.hasBatchPath !== false;
}

/** Throws IndexError unless 0 <= index < length. */
export function checkIndex(index: number, length: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new IndexError(`${what}: index ${index} out of range for length ${length}`);
  }
}

/** Copies rows `indices` of a host tensor (first axis) into a new host tensor [indices.length, ...rest]. */
export function gatherRows(host: HostTensor, indices: ArrayLike<number>, what: string): HostTensor {
  const rows = host.shape[0] ?? 0;
  const rowSize = sizeOf(host.shape.slice(1));
  const out = allocHost(host.dtype, indices.length * rowSize);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    checkIndex(i, rows, what);
    if (rowSize === 1) out[k] = host.data[i]!;
    else out.set(host.data.subarray(i * rowSize, (i + 1) * rowSize), k * rowSize);
  }
  return { data: out, shape: [indices.length, ...host.shape.slice(1)], dtype: host.dtype };
}

/**
 * Wraps tensors that share their first dimension, like PyTorch's TensorDataset. `get(i)` returns
 * `{ x: tensors[0][i], y: tensors[1][i] }`; with a single tensor `y` is `x`, the same tensor (autoencoder style; in
 * batches too, so disposing `x` frees both);
 * `items(i)` returns the rows of every tensor. The data is copied to host memory once, at construction.
 * @example const ds = new TensorDataset(images, labels); ds.get(0).y.item()
 */
export class TensorDataset implements Dataset<Sample>, BatchSource {
  readonly length: number;
  readonly tensors: readonly Tensor[];
  private readonly hosts: HostTensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError('TensorDataset: needs at least one tensor');
    const first = tensors[0]!;
    if (first.rank === 0) throw new ShapeError('TensorDataset: tensors need at least one dimension, got a scalar');
    for (const t of tensors) {
      if (t.rank === 0 || t.shape[0] !== first.shape[0]) {
        const shapes = tensors.map((u) => `[${u.shape.join(',')}]`).join(', ');
        throw new ShapeError(`TensorDataset: tensors must share their first dimension, got ${shapes}`);
      }
    }
    this.tensors = tensors;
    this.length = first.shape[0]!;
    this.hosts = tensors.map(fromTensor);
  }

  /** Sample i as { x, y } (see the class comment for one or more than two tensors). */
  get(index: number): Sample {
    const rows = this.items(index);
    return { x: rows[0]!, y: rows[1] ?? rows[0]! };
  }

  /** Row i of every tensor. */
  items(index: number): Tensor[] {
    checkIndex(index, this.length, 'TensorDataset.get');
    return this.hosts.map((host) => {
      const row = gatherRows(host, [index], 'TensorDataset.get');
      return toTensor({ ...row, shape: host.shape.slice(1) });
    });
  }

  /** Rows `indices` of x and y, stacked, in host memory. */
  getBatchHost(indices: ArrayLike<number>): HostBatch {
    const x = gatherRows(this.hosts[0]!, indices, 'TensorDataset.getBatch');
    // One tensor: y is the same rows, not a second copy of them.
    const y = this.hosts[1] === undefined ? x : gatherRows(this.hosts[1], indices, 'TensorDataset.getBatch');
    return { x, y };
  }

  /** Rows `indices` of x and y, stacked into tensors [indices.length, ...]. */
  getBatch(indices: ArrayLike<number>): Batch {
    return toTensors(this.getBatchHost(indices));
  }
}

/**
 * A view of some samples of a dataset, in the given order, without copying.
 * @example new Subset(dataset, [0, 2, 4]).length // 3
 */
export class Subset<T = Sample> implements Dataset<T> {
  readonly indices: Int32Array;

  constructor(
    readonly dataset: Dataset<T>,
    indices: ArrayLike<number>,
  ) {
    this.indices = Int32Array.from(indices as ArrayLike<number>);
    for (let k = 0; k < this.indices.length; k++) {
      if (indices[k] !== this.indices[k]) throw new IndexError(`Subset: index ${indices[k]} is not an int32`);
      checkIndex(this.indices[k]!, dataset.length, 'Subset');
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    checkIndex(index, this.length, 'Subset.get');
    return this.dataset.get(this.indices[index]!);
  }

  /** The fast batch path, when the underlying dataset has one. */
  getBatchHost(indices: ArrayLike<number>): HostBatch {
    if (!isBatchSource(this.dataset))
      throw new ValueError('Subset.getBatchHost: the underlying dataset has no batch path');
    const mapped = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      checkIndex(indices[k]!, this.length, 'Subset.getBatch');
      mapped[k] = this.indices[indices[k]!]!;
    }
    return this.dataset.getBatchHost(mapped);
  }

  /** True when getBatchHost can be used (the underlying dataset has a batch path). */
  get hasBatchPath(): boolean {
    return isBatchSource(this.dataset);
  }
}
