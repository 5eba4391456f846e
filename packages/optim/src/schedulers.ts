/**
 * Learning-rate schedules, stepped once per epoch after the optimizer steps, as in PyTorch. They use
 * PyTorch's recursive ("chainable") formulas, so the learning rates match torch.optim.lr_scheduler's.
 */
import { FormatError } from '@nn/tensor';
import type { Optimizer } from './optimizer';
import { checkKnownOptions, checkNumber } from './validate';

/** What a schedule saves: where it is and the learning rate it started from. */
export interface SchedulerStateDict {
  type: string;
  lastEpoch: number;
  baseLr: number;
  lastLr: number;
  options: Record<string, number>;
}

export abstract class LRScheduler {
  /** The class name, overridden by every subclass. */
  get type(): string {
    return 'LRScheduler';
  }
  /** The learning rate of the optimizer when the schedule was made. */
  baseLr: number;
  /** Epochs stepped so far (0 right after construction, like PyTorch). */
  lastEpoch = 0;
  private lastLr: number;

  protected constructor(readonly optimizer: Optimizer) {
    if (optimizer === null || typeof optimizer !== 'object' || typeof optimizer.lr !== 'number') {
      throw new FormatError(`${this.type}: expected an optimizer, got ${String(optimizer)}`);
    }
    this.baseLr = optimizer.lr;
    this.lastLr = optimizer.lr;
  }

  /** Advances one epoch and sets the optimizer's learning rate. */
  step(): void {
    this.lastEpoch++;
    const lr = this.computeLr(this.optimizer.lr);
    this.optimizer.lr = lr;
    this.lastLr = lr;
  }

  /** The learning rate set by the last `step()` (or the starting one). */
  getLastLr(): number {
    return this.lastLr;
  }

  /** The next learning rate from the current one (PyTorch's `get_lr`). */
  protected abstract computeLr(current: number): number;

  protected abstract options(): Record<string, number>;

  stateDict(): SchedulerStateDict {
    return {
      type: this.type,
      lastEpoch: this.lastEpoch,
      baseLr: this.baseLr,
      lastLr: this.lastLr,
      options: this.options(),
    };
  }

  /** Restores `stateDict()`; validated first. The optimizer's lr is restored by its own loadStateDict. */
  loadStateDict(state: SchedulerStateDict): void {
    const where = `${this.type}.loadStateDict`;
    if (state === null || typeof state !== 'object') throw new FormatError(`${where}: expected an object`);
    if (state.type !== this.type)
      throw new FormatError(`${where}: the state belongs to ${String(state.type)}, not ${this.type}`);
    if (!Number.isInteger(state.lastEpoch) || state.lastEpoch < 0) {
      throw new FormatError(`${where}: lastEpoch must be a non-negative integer, got ${String(state.lastEpoch)}`);
    }
    for (const key of ['baseLr', 'lastLr'] as const) {
      if (typeof state[key] !== 'number' || !Number.isFinite(state[key]) || state[key] < 0) {
        throw new FormatError(`${where}: ${key} must be a non-negative number, got ${String(state[key])}`);
      }
    }
    const mine = this.options();
    for (const [key, value] of Object.entries(mine)) {
      const theirs = state.options?.[key];
      if (theirs !== value) {
        throw new FormatError(`${where}: option ${key} is ${value} here but ${String(theirs)} in the state`);
      }
    }
    this.lastEpoch = state.lastEpoch;
    this.baseLr = state.baseLr;
    this.lastLr = state.lastLr;
  }
}

export interface StepLROptions {
  stepSize: number;
  gamma?: number;
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` epochs.
 * @example const sched = new StepLR(opt, { stepSize: 10, gamma: 0.1 }); // after each epoch: sched.step()
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  override get type(): string {
    return 'StepLR';
  }

  constructor(optimizer: Optimizer, options: StepLROptions) {
    super(optimizer);
    checkKnownOptions('StepLR', options, ['stepSize', 'gamma']);
    this.stepSize = checkNumber('StepLR', 'stepSize', options.stepSize, { min: 1, integer: true });
    this.gamma = checkNumber('StepLR', 'gamma', options.gamma ?? 0.1, { min: 0 });
  }

  protected computeLr(current: number): number {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return current;
    return current * this.gamma;
  }

  protected options(): Record<string, number> {
    return { stepSize: this.stepSize, gamma: this.gamma };
  }
}

export interface CosineAnnealingLROptions {
  tMax: number;
  etaMin?: number;
}

/** Python's modulo: the result has the sign of the divisor. */
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/**
 * Cosine annealing from the base learning rate down to `etaMin` over `tMax` epochs (then back up, as PyTorch).
 * @example const sched = new CosineAnnealingLR(opt, { tMax: 50 });
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  override get type(): string {
    return 'CosineAnnealingLR';
  }

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super(optimizer);
    checkKnownOptions('CosineAnnealingLR', options, ['tMax', 'etaMin']);
    this.tMax = checkNumber('CosineAnnealingLR', 'tMax', options.tMax, { min: 1, integer: true });
    this.etaMin = checkNumber('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0, { min: 0 });
  }

  protected computeLr(current: number): number {
    const { lastEpoch: t, tMax, etaMin, baseLr } = this;
    if (t === 0) return current;
    if (pyMod(t - 1 - tMax, 2 * tMax) === 0) {
      return current + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    }
    return (
      ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (current - etaMin) + etaMin
    );
  }

  protected options(): Record<string, number> {
    return { tMax: this.tMax, etaMin: this.etaMin };
  }
}
