/**
 * Running sums of the loss and metrics for `fit` and `evaluate`, kept on the device: adding a batch is two or
 * three small tensor ops and never reads anything back, so training does not wait for the device (and works
 * on backends without synchronous reads, like webgpu). Values are read only when someone needs a number.
 *
 * Precision: a batch's sums are added in the loss dtype (float32 usually) into an open chunk; after
 * `CHUNK_BATCHES` batches the chunk is sealed and a new one starts, and chunks are combined in float64 on the
 * host when read. A float32 sum thus never spans more than 128 additions (error bound ~128 * 2^-24 ~ 8e-6
 * relative, ~1e-7 in practice) however long the epoch; one float32 running sum over an MNIST epoch (1875
 * batches of 32) measured ~1e-6 with a bound of ~1e-4. Counts (accuracy, error) are integers below 2^24 per
 * chunk, hence exact. Before, each batch's loss was read into a float64 sum; results agree to float32 rounding.
 *
 * Watched columns (`watch`): a non-finite loss or a count of invalid inputs must be found, and the first batch
 * it happened in named, without a read per batch. A chunk's running sum, once non-finite (or, for a count, once
 * non-zero), stays so; so each watched column also counts, on the device, the batches of the chunk during which
 * its running sum was still clean (two tiny ops per batch). When read, the first unclean chunk's count is the
 * position of the first bad batch in it.
 */
import { keep, stack, type Tensor, tidy, ValueError } from '@nn/tensor';
import type { Logs } from './callbacks';

/** Batches summed in float32 on the device before the chunk is sealed (see the precision note above). */
export const CHUNK_BATCHES = 128;

/** What a watched column's running sum must stay: finite (a loss), or zero (a count of invalid values). */
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

/** Largest finite float32: |x| below it is finite, and NaN compares false. */
const FLOAT32_MAX = 3.4028234663852886e38;

export class RunningTotals {
  /** Samples added so far. */
  samples = 0;
  /** Batches added so far. */
  batches = 0;
  /** Sums of the current chunk, one scalar per name, then one clean-batch count per watched name. */
  private open: Tensor[] = [];
  private openBatches = 0;
  /** Full chunks not read yet, each a vector like `open`. */
  private sealed: Tensor[] = [];
  /** Sums of the chunks already read, in float64. */
  private readonly readSums: Float64Array;
  /** Batches in the chunks already read. */
  private readBatches = 0;
  /** Per watched name, the first bad batch once a read has found it. */
  private readonly found: Partial<Record<string, number>> = {};
  private readonly watched: { name: string; column: number; watch: Watch }[];
  private disposed = false;

  constructor(
    readonly names: readonly string[],
    private readonly chunkBatches = CHUNK_BATCHES,
    watch: Readonly<Partial<Record<string, Watch>>> = {},
  ) {
    this.readSums = new Float64Array(names.length);
    this.watched = Object.entries(watch).map(([name, w]) => {
      const column = names.indexOf(name);
      if (column < 0) throw new ValueError(`RunningTotals: watched '${name}' is not one of ${names.join(', ')}`);
      return { name, column, watch: w as Watch };
    });
  }

  /**
   * Adds one batch of `samples` samples: `sums[i]` is the batch's sum for `names[i]` (a one-element tensor; not
   * consumed, the caller still disposes it). One add per name: no stacking per batch, reads stack once.
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
    const previous = this.open;
    // float64 only when something is float64 already (the CPU backend); everything else sums in float32.
    const dtype = [...sums, ...previous].some((t) => t.dtype === 'float64') ? 'float64' : 'float32';
    this.open = tidy(() => {
      const next = sums.map((t, i) => {
        const value = t.dtype === dtype ? t : t.cast(dtype);
        const sum = previous[i];
        return sum === undefined ? value.reshape([]).clone() : sum.add(value.reshape([]));
      });
      const counts = this.watched.map(({ column, watch }, j) => {
        const sum = next[column]!;
        const largest = dtype === 'float64' ? Number.MAX_VALUE : FLOAT32_MAX;
        const clean = watch === 'finite' ? sum.abs().less(largest) : sum.equal(0);
        const count = previous[sums.length + j];
        const value = clean.dtype === dtype ? clean : clean.cast(dtype);
        return count === undefined ? value : count.add(value);
      });
      return [...next, ...counts];
    }).map((t) => keep(t));
    for (const t of previous) t.dispose();
    this.samples += samples;
    this.batches++;
    this.openBatches++;
    if (this.openBatches >= this.chunkBatches) {
      const open = this.open;
      this.sealed.push(keep(tidy(() => stack(open))));
      for (const t of open) t.dispose();
      this.open = [];
      this.openBatches = 0;
    }
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

  /** Frees the device sums. Safe to call twice. */
  dispose(): void {
    this.disposed = true;
    for (const t of this.open) t.dispose();
    this.open = [];
    for (const t of this.sealed) t.dispose();
    this.sealed = [];
  }

  /**
   * One tensor with every unread chunk and then the open one as rows, `[chunks, columns]`; the sealed chunks it
   * holds are handed over (freed here), so each is read exactly once.
   */
  private collect(): Collected {
    const sealed = this.sealed;
    this.sealed = [];
    const open = this.open;
    const base = { sealedCount: sealed.length, samples: this.samples, openBatches: this.openBatches };
    if (sealed.length === 0 && open.length === 0) return { pending: undefined, ...base };
    const pending = tidy(() => stack(open.length === 0 ? sealed : [...sealed, stack(open)]));
    for (const t of sealed) t.dispose();
    return { pending, ...base };
  }

  /** Folds the sealed rows of `values` into the float64 sums and returns the reading including the open row. */
  private toReading(values: ArrayLike<number> | undefined, collected: Collected): TotalsReading {
    const { sealedCount, samples, openBatches } = collected;
    const k = this.names.length;
    const width = k + this.watched.length;
    const rows = values === undefined ? 0 : values.length / Math.max(width, 1);
    for (let r = 0; r < rows; r++) {
      const sealedRow = r < sealedCount;
      const batchesInRow = sealedRow ? this.chunkBatches : openBatches;
      this.watched.forEach(({ name }, j) => {
        const clean = values![r * width + k + j]!;
        if (this.found[name] === undefined && clean < batchesInRow) this.found[name] = this.readBatches + clean;
      });
      if (!sealedRow) continue;
      for (let i = 0; i < k; i++) this.readSums[i] = this.readSums[i]! + values![r * width + i]!;
      this.readBatches += this.chunkBatches;
    }
    const firstBad = { ...this.found };
    if (samples === 0) return { means: {}, sums: {}, firstBad };
    const means: Logs = {};
    const sums: Logs = {};
    this.names.forEach((name, i) => {
      const open = rows > sealedCount ? values![sealedCount * width + i]! : 0;
      sums[name] = this.readSums[i]! + open;
      means[name] = sums[name] / samples;
    });
    return { means, sums, firstBad };
  }
}

interface Collected {
  pending: Tensor | undefined;
  sealedCount: number;
  samples: number;
  openBatches: number;
}
