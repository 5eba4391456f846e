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
 */
import { keep, stack, type Tensor, tidy, ValueError } from '@nn/tensor';
import type { Logs } from './callbacks';

/** Batches summed in float32 on the device before the chunk is sealed (see the precision note above). */
export const CHUNK_BATCHES = 128;

export class RunningTotals {
  /** Samples added so far. */
  samples = 0;
  /** Sums of the current chunk, one scalar per name (empty until a batch is added). */
  private open: Tensor[] = [];
  private openBatches = 0;
  /** Full chunks not read yet, each a vector of one sum per name. */
  private sealed: Tensor[] = [];
  /** Sums of the chunks already read, in float64. */
  private readonly readSums: Float64Array;
  private disposed = false;

  constructor(
    readonly names: readonly string[],
    private readonly chunkBatches = CHUNK_BATCHES,
  ) {
    this.readSums = new Float64Array(names.length);
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
    this.open = tidy(() =>
      sums.map((t, i) => {
        const value = t.dtype === dtype ? t : t.cast(dtype);
        const sum = previous[i];
        return sum === undefined ? value.reshape([]).clone() : sum.add(value.reshape([]));
      }),
    ).map((t) => keep(t));
    for (const t of previous) t.dispose();
    this.samples += samples;
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
    const { pending, sealedCount, samples } = this.collect();
    if (pending === undefined) return this.toLogs(undefined, 0, samples);
    let values: ArrayLike<number>;
    try {
      values = await pending.data();
    } finally {
      pending.dispose();
    }
    return this.toLogs(values, sealedCount, samples);
  }

  /** Like `means()`, with one synchronous read (for the synchronous `evaluate`). */
  meansSync(): Logs {
    const { pending, sealedCount, samples } = this.collect();
    if (pending === undefined) return this.toLogs(undefined, 0, samples);
    try {
      return this.toLogs(pending.dataSync(), sealedCount, samples);
    } finally {
      pending.dispose();
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
   * One tensor with every unread chunk and then the open one as rows, `[chunks, names]`; the sealed chunks it
   * holds are handed over (freed here), so each is read exactly once.
   */
  private collect(): { pending: Tensor | undefined; sealedCount: number; samples: number } {
    const sealed = this.sealed;
    this.sealed = [];
    const open = this.open;
    const samples = this.samples;
    if (sealed.length === 0 && open.length === 0) return { pending: undefined, sealedCount: 0, samples };
    const pending = tidy(() => stack(open.length === 0 ? sealed : [...sealed, stack(open)]));
    for (const t of sealed) t.dispose();
    return { pending, sealedCount: sealed.length, samples };
  }

  /** Folds the sealed rows of `values` into the float64 sums and returns the means including the open row. */
  private toLogs(values: ArrayLike<number> | undefined, sealedCount: number, samples: number): Logs {
    const k = this.names.length;
    const rows = values === undefined ? 0 : values.length / Math.max(k, 1);
    for (let r = 0; r < sealedCount; r++) {
      for (let i = 0; i < k; i++) this.readSums[i] = this.readSums[i]! + values![r * k + i]!;
    }
    if (samples === 0) return {};
    const logs: Logs = {};
    this.names.forEach((name, i) => {
      const open = rows > sealedCount ? values![sealedCount * k + i]! : 0;
      logs[name] = (this.readSums[i]! + open) / samples;
    });
    return logs;
  }
}
