/**
 * The learning-rate schedule base: steps like `torch.optim.lr_scheduler` (construction is step 0 and may
 * already set the learning rate; each `step()` advances one epoch or batch), and saves a JSON-safe state.
 */
import { checkOptions, FormatError, type OptionKeys, ValueError } from '@nn/tensor';
import type { Optimizer } from '../optimizer';

/** An option value as stored in a state dict. */
export type SchedulerOptionValue = number | string | boolean;

/** What a schedule saves: where it is, the learning rate it started from, and its options (checked on load). */
export interface SchedulerStateDict {
  type: string;
  lastEpoch: number;
  baseLr: number;
  lastLr: number;
  options: Record<string, SchedulerOptionValue>;
  /** Counters of schedules that keep some (ReduceLROnPlateau); non-finite numbers as the strings 'Infinity', ... */
  counters?: Record<string, number | string>;
}

/** Fails on anything that is not an optimizer (a schedule needs `lr` to read and write). */
function checkOptimizer(owner: string, optimizer: unknown): Optimizer {
  const lr = (optimizer as { lr?: unknown } | null)?.lr;
  if (optimizer === null || typeof optimizer !== 'object' || typeof lr !== 'number') {
    throw new ValueError(`${owner}: expected an optimizer (new SGD(...), new Adam(...)), got ${String(optimizer)}`);
  }
  return optimizer as Optimizer;
}

/**
 * The base of every schedule: `step()`, `getLastLr()`, `lastEpoch`, `baseLr` and JSON-safe state dicts.
 * @example const sched = new StepLR(opt, { stepSize: 10 }); for (...) { train(); sched.step(); }
 */
export abstract class LRScheduler {
  /** The class name, overridden by every subclass. */
  get type(): string {
    return 'LRScheduler';
  }
  readonly optimizer: Optimizer;
  /** The learning rate the schedule starts from (PyTorch's `base_lrs[0]`, the optimizer's `initial_lr`). */
  baseLr: number;
  /** Steps taken so far (0 right after construction, like PyTorch). */
  lastEpoch = 0;
  protected lastLr: number;

  protected constructor(optimizer: Optimizer) {
    this.optimizer = checkOptimizer(this.type, optimizer);
    this.baseLr = optimizer.lr;
    this.lastLr = optimizer.lr;
  }

  /** Checks a subclass's options object (required when `required`) for unknown names; returns it. */
  protected checkOptions<T extends object>(options: T | undefined, known: OptionKeys<T>, required: boolean): T {
    if (required && (options === null || typeof options !== 'object')) {
      const names = Object.keys(known).join(', ');
      throw new ValueError(`${this.type}: options are required ({ ${names} }), got ${String(options)}`);
    }
    checkOptions(this.type, options, known);
    return options ?? ({} as T);
  }

  /**
   * PyTorch's construction-time step (epoch 0): subclasses call it once their fields are set, since some
   * schedules change the learning rate right away (LinearLR, LambdaLR, OneCycleLR).
   */
  protected initialStep(): void {
    this.apply(this.computeLr(this.optimizer.lr, 0), 0);
  }

  /** Advances one step (an epoch, or a batch for OneCycleLR) and sets the optimizer's learning rate. */
  step(): void {
    const epoch = this.lastEpoch + 1;
    this.apply(this.computeLr(this.optimizer.lr, epoch), epoch);
  }

  private apply(lr: number, epoch: number): void {
    if (!Number.isFinite(lr) || lr < 0) {
      throw new ValueError(
        `${this.type}: the learning rate at step ${epoch} would be ${lr}; it must be finite and >= 0`,
      );
    }
    this.lastEpoch = epoch;
    this.optimizer.lr = lr;
    this.lastLr = lr;
  }

  /** The learning rate set by the last `step()` (or at construction). */
  getLastLr(): number {
    return this.lastLr;
  }

  /** The learning rate at step `epoch` from the current one (PyTorch's `get_lr`); may throw before anything changes. */
  protected abstract computeLr(current: number, epoch: number): number;

  /** The options, compared with a loaded state's so a state is never loaded into a different schedule. */
  protected abstract options(): Record<string, SchedulerOptionValue>;

  /** Schedule-specific counters saved beside `lastEpoch`; none by default. */
  protected counters(): Record<string, number | string> | undefined {
    return undefined;
  }

  /** Validates loaded counters (throw FormatError) and returns a function that applies them. */
  protected readCounters(where: string, counters: unknown): () => void {
    if (counters !== undefined) throw new FormatError(`${where}: ${this.type} keeps no counters`);
    return () => undefined;
  }

  /** A JSON-safe copy of where the schedule is, for exact resume (save the optimizer's state too). */
  stateDict(): SchedulerStateDict {
    const state: SchedulerStateDict = {
      type: this.type,
      lastEpoch: this.lastEpoch,
      baseLr: this.baseLr,
      lastLr: this.lastLr,
      options: this.options(),
    };
    const counters = this.counters();
    if (counters !== undefined) state.counters = counters;
    return state;
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
    for (const [key, value] of Object.entries(this.options())) {
      const theirs = state.options?.[key];
      if (theirs !== value) {
        throw new FormatError(`${where}: option ${key} is ${value} here but ${String(theirs)} in the state`);
      }
    }
    const applyCounters = this.readCounters(where, state.counters);
    this.lastEpoch = state.lastEpoch;
    this.baseLr = state.baseLr;
    this.lastLr = state.lastLr;
    applyCounters();
  }
}
