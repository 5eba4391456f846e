/**
 * The running totals of one `fit` epoch or one `evaluate` pass, with two checks that ride on the reads the totals
 * make anyway, so neither costs a read per batch:
 * - value checks of the loss inputs (binaryCrossEntropy's [0, 1] range, see losses/value-checks.ts): their counts
 *   are summed in a hidden column; a non-zero sum at a read is a ValueError naming the first bad batch;
 * - with `watchLoss`, a non-finite loss: the read reports the first batch whose loss was NaN or Infinity.
 * A read happens at the end of the epoch, for the live progress line (at most every 200 ms) and after every batch
 * when a callback has `onBatchEnd`, so a problem is reported at the latest at the end of its epoch.
 */
import { type Tensor, tidy, ValueError, zeros } from '@nn/tensor';
import type { ValueCheck } from '../losses/value-checks';
import type { Logs } from './callbacks';
import { RunningTotals, type TotalsReading, type Watch } from './totals';

/** The hidden column of bad-input counts (never part of the logs). */
const INVALID = '#invalidInputs';

export interface GuardedReading {
  /** Sample-weighted means of the loss and metrics so far. */
  logs: Logs;
  /** When the loss is no longer finite: the 0-based batch where it first was not (undefined if not located). */
  nonFinite?: { batch: number | undefined };
}

export interface GuardedTotalsOptions {
  /** Locate the first non-finite loss (fit); found from the per-batch values at a read, no work per batch. */
  watchLoss?: boolean;
  /** Where batch `b` (0-based; undefined if not located) is, for errors: `fit: epoch 2/5, batch 3/16`. */
  describeBatch(batch: number | undefined): string;
}

export class GuardedTotals {
  #totals: RunningTotals | undefined;
  #message: ((n: number) => string) | undefined;

  constructor(
    readonly names: readonly string[],
    private readonly options: GuardedTotalsOptions,
  ) {}

  /** Samples added so far. */
  get samples(): number {
    return this.#totals?.samples ?? 0;
  }

  /**
   * Adds a batch: `sums[i]` for `names[i]` (not consumed), and the value checks made while computing it (their
   * counts are consumed: disposed here).
   */
  add(sums: readonly Tensor[], samples: number, checks: readonly ValueCheck[]): void {
    try {
      // The hidden column exists when the loss makes checks, which the first batch tells (losses check every call).
      this.#totals ??= this.#create(checks.length > 0);
      const counted = this.#totals.names.includes(INVALID);
      if (checks.length > 0) this.#message ??= checks[0]!.message;
      if (!counted) {
        if (checks.length > 0) this.#readNow(checks);
        this.#totals.add(sums, samples);
        return;
      }
      const count = tidy(() =>
        checks.length === 0 ? zeros([]) : checks.slice(1).reduce((s, c) => s.add(c.count), checks[0]!.count),
      );
      try {
        this.#totals.add([...sums, count], samples);
      } finally {
        count.dispose();
      }
    } finally {
      for (const check of checks) check.count.dispose();
    }
  }

  /** The running means with one `await data()`; throws a ValueError if a value check failed. */
  async read(): Promise<GuardedReading> {
    return this.#totals === undefined ? { logs: {} } : this.#verdict(await this.#totals.read());
  }

  /** Like `read()`, with one synchronous read (the synchronous `evaluate`). */
  readSync(): GuardedReading {
    return this.#totals === undefined ? { logs: {} } : this.#verdict(this.#totals.readSync());
  }

  dispose(): void {
    this.#totals?.dispose();
  }

  #create(counted: boolean): RunningTotals {
    const watch: Record<string, Watch> = {};
    if (this.options.watchLoss) watch.loss = 'finite';
    if (counted) watch[INVALID] = 'zero';
    // The loss arrives as the batch mean: weighted by the batch's samples on the host (no multiply per batch).
    return new RunningTotals(counted ? [...this.names, INVALID] : this.names, { watch, meanColumns: ['loss'] });
  }

  /** A loss that began checking after the first batch: nowhere to defer to, so this batch's counts are read now. */
  #readNow(checks: readonly ValueCheck[]): void {
    const n = checks.reduce((sum, c) => sum + c.count.dataSync()[0]!, 0);
    const batch = this.#totals!.batches; // the batch being added
    if (n > 0) throw new ValueError(`${this.options.describeBatch(batch)}: ${this.#message!(n)}`);
  }

  #verdict(reading: TotalsReading): GuardedReading {
    const bad = reading.sums[INVALID] ?? 0;
    if (bad > 0) {
      throw new ValueError(`${this.options.describeBatch(reading.firstBad[INVALID])}: ${this.#message!(bad)}`);
    }
    const logs = { ...reading.means };
    delete logs[INVALID];
    const loss = reading.sums.loss;
    if (this.options.watchLoss && loss !== undefined && !Number.isFinite(loss)) {
      return { logs, nonFinite: { batch: reading.firstBad.loss } };
    }
    return { logs };
  }
}
