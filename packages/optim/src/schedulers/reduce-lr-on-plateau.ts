/**
 * ReduceLROnPlateau (`torch.optim.lr_scheduler.ReduceLROnPlateau`): divides the learning rate when a
 * monitored value (validation loss, accuracy) stops improving. Stepped once per epoch with that value.
 */
import { FormatError, type OptionKeys, Tensor, ValueError } from '@nn/tensor';
import type { Optimizer } from '../optimizer';
import { checkNumber } from '../validate';
import { LRScheduler, type SchedulerOptionValue } from './scheduler';

/** Options of `ReduceLROnPlateau`: PyTorch's arguments in camelCase (`threshold_mode` -> `thresholdMode`, ...). */
export interface ReduceLROnPlateauOptions {
  /** 'min' (default): lower is better, as for a loss; 'max': higher is better, as for accuracy. */
  mode?: 'min' | 'max';
  /** The learning rate is multiplied by this on a plateau, in [0, 1) (default 0.1). */
  factor?: number;
  /** Epochs without improvement that are tolerated; the next one reduces the learning rate (default 10). */
  patience?: number;
  /** How much better than the best a value must be to count (default 1e-4). */
  threshold?: number;
  /** 'rel' (default): better than `best * (1 -/+ threshold)`; 'abs': better than `best -/+ threshold`. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs after a reduction during which bad epochs are not counted (default 0). */
  cooldown?: number;
  /** The learning rate never goes below this (default 0). */
  minLr?: number;
  /** A reduction smaller than this is skipped (default 1e-8). */
  eps?: number;
}

const OPTIONS: OptionKeys<ReduceLROnPlateauOptions> = {
  mode: true,
  factor: true,
  patience: true,
  threshold: true,
  thresholdMode: true,
  cooldown: true,
  minLr: true,
  eps: true,
};

/** JSON has no Infinity: the initial best (+-Infinity) is stored as a string. */
function encode(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function decode(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'Infinity' || value === '-Infinity' || value === 'NaN') return Number(value);
  return undefined;
}

/**
 * Reduces the learning rate by `factor` once the monitored value has not improved for `patience` epochs.
 * `step(value)` takes that value; with `fit`, pass the schedule as `scheduler` and it watches `valLoss`.
 * @example const sched = new ReduceLROnPlateau(opt, { patience: 2 }); // each epoch: sched.step(valLoss)
 */
export class ReduceLROnPlateau extends LRScheduler {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLr: number;
  readonly eps: number;
  /** The best value seen so far (starts at Infinity in 'min' mode, -Infinity in 'max'). */
  best: number;
  /** Epochs in a row without improvement (not counted during a cooldown). */
  numBadEpochs = 0;
  /** Epochs left in the current cooldown. */
  cooldownCounter = 0;

  override get type(): string {
    return 'ReduceLROnPlateau';
  }

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    super(optimizer);
    const owner = 'ReduceLROnPlateau';
    options = this.checkOptions(options, OPTIONS, false);
    const mode = options.mode ?? 'min';
    if (mode !== 'min' && mode !== 'max') throw new ValueError(`${owner}: mode must be 'min' or 'max', got ${mode}`);
    const thresholdMode = options.thresholdMode ?? 'rel';
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') {
      throw new ValueError(`${owner}: thresholdMode must be 'rel' or 'abs', got ${thresholdMode}`);
    }
    this.mode = mode;
    this.thresholdMode = thresholdMode;
    this.factor = checkNumber(owner, 'factor', options.factor ?? 0.1, { min: 0, below: 1 });
    this.patience = checkNumber(owner, 'patience', options.patience ?? 10, { min: 0, integer: true });
    this.threshold = checkNumber(owner, 'threshold', options.threshold ?? 1e-4, { min: 0 });
    this.cooldown = checkNumber(owner, 'cooldown', options.cooldown ?? 0, { min: 0, integer: true });
    this.minLr = checkNumber(owner, 'minLr', options.minLr ?? 0, { min: 0 });
    this.eps = checkNumber(owner, 'eps', options.eps ?? 1e-8, { min: 0 });
    this.best = this.worst();
  }

  private worst(): number {
    return this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** PyTorch's `is_better`: NaN is never better. */
  private isBetter(value: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min')
      return this.thresholdMode === 'rel' ? value < best * (1 - threshold) : value < best - threshold;
    return this.thresholdMode === 'rel' ? value > best * (threshold + 1) : value > best + threshold;
  }

  /**
   * Records the monitored value of the epoch that just ended and reduces the learning rate on a plateau.
   * A scalar Tensor is read synchronously (one device read).
   */
  override step(metric?: number | Tensor): void {
    const value = metric instanceof Tensor ? metric.item() : metric;
    if (typeof value !== 'number') {
      throw new ValueError(
        `ReduceLROnPlateau.step: expected the monitored value (e.g. step(valLoss)), got ${String(value)}`,
      );
    }
    this.lastEpoch++;
    if (this.isBetter(value)) {
      this.best = value;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      const old = this.optimizer.lr;
      const reduced = Math.max(old * this.factor, this.minLr);
      if (old - reduced > this.eps) this.optimizer.lr = reduced;
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.lr;
  }

  /** Never called: `step` takes a value instead of computing the rate from the epoch. */
  protected computeLr(current: number): number {
    return current;
  }

  protected options(): Record<string, SchedulerOptionValue> {
    const { mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps } = this;
    return { mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps };
  }

  protected override counters(): Record<string, number | string> {
    return { best: encode(this.best), numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter };
  }

  protected override readCounters(where: string, counters: unknown): () => void {
    const c = (counters ?? {}) as Record<string, unknown>;
    const best = decode(c.best);
    if (best === undefined) throw new FormatError(`${where}: counters.best must be a number, got ${String(c.best)}`);
    for (const key of ['numBadEpochs', 'cooldownCounter'] as const) {
      if (!Number.isInteger(c[key]) || (c[key] as number) < 0) {
        throw new FormatError(`${where}: counters.${key} must be a non-negative integer, got ${String(c[key])}`);
      }
    }
    return () => {
      this.best = best;
      this.numBadEpochs = c.numBadEpochs as number;
      this.cooldownCounter = c.cooldownCounter as number;
    };
  }
}
