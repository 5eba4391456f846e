/**
 * Running sums of the loss and metrics for `fit` and `evaluate`, kept on the device: adding a batch runs no kernel
 * and reads nothing back (each batch's values stay where they are, held by a second handle on the same data), so
 * training neither waits for the device nor pays bookkeeping ops per batch, and it works on backends without
 * synchronous reads, like webgpu. Values are read only when someone needs a number.
 *
 * Every `CHUNK_BATCHES` batches the held values are stacked into one vector per column (one op per column), so a
 * long epoch holds a few tensors, not one per batch. A read stacks whatever is held into one tensor, reads it once,
 * and folds each batch's value into float64 sums on the host; what was read is freed, so every batch is read
 * exactly once. Precision: each batch's own value is float32 (the device's), every sum is float64, whatever the
 * epoch's length. Counts (accuracy, error) are exact.
 *
 * Watched columns (`watch`): the first batch whose loss is NaN or Infinity (or, for a count of invalid inputs,
 * non-zero) is found from the per-batch values at the read, with no work per batch.
 *
 * Mean columns (`meanColumns`): a batch's value is a mean over its samples (the loss), multiplied by the batch's
 * sample count on the host, which saves a multiply per batch on the device.
 */
import { concat, keep, stack, type Tensor, tidy, ValueError } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import type { Logs } from './callbacks';

/** Batches held per column before they are stacked into one vector. */
export const CHUNK_BATCHES = 128;

/** What a watched column's values must stay: finite (a loss), or zero (a count of invalid values). */
export type Watch = 'finite' | 'zero';

/** One read of the totals. */
export interface TotalsReading {
  /** Sample-weighted means per name (`{}` before any batch). */
  means: Logs;
  /** Plain sums per name. */
  sums: Logs;
  /** Per watched name: the 0-based batch (since the totals began) where its sum first became non-finite/non-zero. */
  firstBad: Partial<Record<string, number>>;
}

/** Options of `RunningTotals` beyond the column names. */
export interface TotalsOptions {
  /** Batches held per column before they are stacked (default CHUNK_BATCHES). */
  chunkBatches?: number;
  watch?: Readonly<Partial<Record<string, Watch>>>;
  /** Columns whose batch values are means, weighted by the batch's samples on the host. */
  meanColumns?: readonly string[];
}

export class RunningTotals {
  /** Samples added so far. */
  samples = 0;
  /** Batches added so far. */
  batches = 0;
  /** Per column: the batches' values not yet stacked (second handles; the callers keep and free their own). */
  private held: Tensor[][];
  /** Per column: stacked chunks not read yet. */
  private stacked: Tensor[][];
  /** Samples of every batch not read yet, in order. */
  private unreadSamples: number[] = [];
  /** Sums of the batches already read, in float64. */
  private readonly readSums: Float64Array;
  /** Batches already read. */
  private readBatches = 0;
  /** Per watched name, the first bad batch once a read has found it. */
  private readonly found: Partial<Record<string, number>> = {};
  private readonly watched: { name: string; column: number; watch: Watch }[];
  private readonly isMean: boolean[];
  private readonly chunkBatches: number;
  private disposed = false;

  constructor(
    readonly names: readonly string[],
    options: TotalsOptions = {},
  ) {
    this.chunkBatches = options.chunkBatches ?? CHUNK_BATCHES;
    this.readSums = new Float64Array(names.length);
    this.held = names.map(() => []);
    this.stacked = names.map(() => []);
    this.isMean = names.map((name) => options.meanColumns?.includes(name) ?? false);
    this.watched = Object.entries(options.watch ?? {}).map(([name, w]) => {
      const column = names.indexOf(name);
      if (column < 0) throw new ValueError(`RunningTotals: watched '${name}' is not one of ${names.join(', ')}`);
      return { name, column, watch: w as Watch };
    });
  }

  /**
   * Adds one batch of `samples` samples: `sums[i]` is the batch's value for `names[i]` (a one-element tensor; not
   * consumed, the caller still disposes it). Runs no kernel for 0-d values.
   */
  add(sums: readonly Tensor[], samples: number): void {
    if (this.disposed) throw new ValueError('RunningTotals.add: already disposed');
    if (sums.length !== this.names.length) {
      throw new ValueError(`RunningTotals.add: expected ${this.names.length} sums, got ${sums.length}`);
    }
    sums.forEach((t, i) => {
      if (t.size !== 1) {
        throw new ValueError(`${this.names[i]} must be a scalar (one value) per batch, got shape [${t.shape}]`);
      }
    });
    sums.forEach((t, i) => {
      // keep(): `add` may run inside the caller's tidy (evaluate), which must not free what is held.
      this.held[i]!.push(t.rank === 0 ? engine.share(t) : keep(tidy(() => t.reshape([]))));
    });
    this.unreadSamples.push(samples);
    this.samples += samples;
    this.batches++;
    if (this.held[0]!.length >= this.chunkBatches) this.stackHeld();
  }

  /** The sample-weighted means so far, with one `await data()`: usable on every backend. `{}` before any batch. */
  async means(): Promise<Logs> {
    return (await this.read()).means;
  }

  /** Like `means()`, with one synchronous read (for the synchronous `evaluate`). */
  meansSync(): Logs {
    return this.readSync().means;
  }

  /** Means, sums and the first bad batch of each watched name, with one `await data()`. */
  async read(): Promise<TotalsReading> {
    const collected = this.collect();
    if (collected.pending === undefined) return this.toReading(undefined, collected);
    let values: ArrayLike<number>;
    try {
      values = await collected.pending.data();
    } finally {
      collected.pending.dispose();
    }
    return this.toReading(values, collected);
  }

  /** Like `read()`, with one synchronous read. */
  readSync(): TotalsReading {
    const collected = this.collect();
    if (collected.pending === undefined) return this.toReading(undefined, collected);
    try {
      return this.toReading(collected.pending.dataSync(), collected);
    } finally {
      collected.pending.dispose();
    }
  }

  /** Frees the device values. Safe to call twice. */
  dispose(): void {
    this.disposed = true;
    for (const column of [...this.held, ...this.stacked]) for (const t of column) t.dispose();
    this.held = this.names.map(() => []);
    this.stacked = this.names.map(() => []);
  }

  /** Stacks each column's held values into one vector (one op per column) and frees the handles. */
  private stackHeld(): void {
    if (this.held[0]!.length === 0) return;
    this.held.forEach((column, i) => {
      this.stacked[i]!.push(keep(tidy(() => stack(column))));
      for (const t of column) t.dispose();
    });
    this.held = this.names.map(() => []);
  }

  /**
   * Every unread batch's values in one tensor, `[columns, batches]` flattened, in float64 only when a column is
   * float64 (the CPU backend); what it holds is handed over (freed here), so each batch is read exactly once.
   */
  private collect(): Collected {
    this.stackHeld();
    const samples = this.unreadSamples;
    const total = this.samples;
    this.unreadSamples = [];
    if (samples.length === 0) return { pending: undefined, samples, total };
    const columns = this.stacked;
    this.stacked = this.names.map(() => []);
    const dtype = columns.some((parts) => parts[0]!.dtype === 'float64') ? 'float64' : 'float32';
    const pending = keep(
      tidy(() =>
        concat(
          columns.map((parts) => {
            const column = parts.length === 1 ? parts[0]! : concat(parts);
            return column.dtype === dtype ? column : column.cast(dtype);
          }),
        ),
      ),
    );
    for (const parts of columns) for (const t of parts) t.dispose();
    return { pending, samples, total };
  }

  /** Folds the read values (column-major, one per batch) into the float64 sums and returns the reading. */
  private toReading(values: ArrayLike<number> | undefined, { samples, total }: Collected): TotalsReading {
    const count = samples.length;
    if (values !== undefined) {
      this.names.forEach((_, i) => {
        let sum = 0;
        for (let b = 0; b < count; b++)
          sum += this.isMean[i] ? values[i * count + b]! * samples[b]! : values[i * count + b]!;
        this.readSums[i] = this.readSums[i]! + sum;
      });
      for (const { name, column, watch } of this.watched) {
        if (this.found[name] !== undefined) continue;
        for (let b = 0; b < count; b++) {
          const v = values[column * count + b]!;
          if (watch === 'finite' ? !Number.isFinite(v) : v !== 0) {
            this.found[name] = this.readBatches + b;
            break;
          }
        }
      }
      this.readBatches += count;
    }
    const firstBad = { ...this.found };
    if (total === 0) return { means: {}, sums: {}, firstBad };
    const means: Logs = {};
    const sums: Logs = {};
    this.names.forEach((name, i) => {
      sums[name] = this.readSums[i]!;
      means[name] = sums[name] / total;
    });
    return { means, sums, firstBad };
  }
}

interface Collected {
  pending: Tensor | undefined;
  /** Samples of each batch in `pending`. */
  samples: number[];
  /** Samples added in all, at the read. */
  total: number;
}
