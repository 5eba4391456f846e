/** Training callbacks: hooks into `fit`, plus EarlyStopping and ModelCheckpoint. */
import type { LRScheduler, Optimizer } from '@nn/optim';
import { clone, type Tensor, ValueError } from '@nn/tensor';
import { saveCheckpoint } from '../io/checkpoint';
import type { Module } from '../module';

/** Per-epoch values by name: `loss`, `accuracy`, `valLoss`, `valAccuracy`, ... */
export type Logs = Record<string, number>;

/** Per-epoch history, one entry per completed epoch. */
export interface History {
  epoch: number[];
  loss: number[];
  [metric: string]: number[] | undefined;
}

/** What callbacks see and can change while `fit` runs. */
export interface TrainingContext {
  readonly model: Module;
  readonly optimizer: Optimizer;
  readonly scheduler: LRScheduler | undefined;
  readonly history: History;
  /** Total epochs of this fit. */
  readonly epochs: number;
  /** Set to true to stop after the current epoch (like Keras' `model.stop_training`). */
  stopTraining: boolean;
}

/** Every hook is optional and may be async. `epoch` is 0-based. */
export interface Callback {
  onTrainBegin?(context: TrainingContext): void | Promise<void>;
  onEpochBegin?(epoch: number, context: TrainingContext): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs, context: TrainingContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, context: TrainingContext): void | Promise<void>;
  onTrainEnd?(context: TrainingContext): void | Promise<void>;
}

type Mode = 'min' | 'max' | 'auto';

function direction(monitor: string, mode: Mode): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return /accuracy/i.test(monitor) ? 'max' : 'min';
}

function monitored(logs: Logs, monitor: string, owner: string): number {
  const value = logs[monitor];
  if (value === undefined) {
    throw new ValueError(`${owner}: '${monitor}' is not logged (available: ${Object.keys(logs).join(', ')})`);
  }
  return value;
}

/** Options of `EarlyStopping`. */
export interface EarlyStoppingOptions {
  /** Default 'valLoss'. */
  monitor?: string;
  /** Stop after this many epochs in a row without improvement (0 and 1 both stop at the first). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** 'auto' (default) maximises names containing "accuracy" and minimises the rest. */
  mode?: Mode;
  /** At the end, put back the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
}

/**
 * Stops training when `monitor` stops improving.
 * @example fit(model, data, { ..., callbacks: [new EarlyStopping({ patience: 3, restoreBestWeights: true })] })
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  readonly restoreBestWeights: boolean;
  best = Number.NaN;
  bestEpoch = -1;
  /** The epoch after which training was stopped, or -1. */
  stoppedEpoch = -1;
  private wait = 0;
  private bestWeights: Record<string, Tensor> | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    this.monitor = options.monitor ?? 'valLoss';
    this.patience = options.patience ?? 0;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.mode = direction(this.monitor, options.mode ?? 'auto');
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new ValueError(`EarlyStopping: patience must be a non-negative integer, got ${options.patience}`);
    }
  }

  onTrainBegin(): void {
    this.best = Number.NaN;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.wait = 0;
    this.dropWeights();
  }

  onEpochEnd(epoch: number, logs: Logs, context: TrainingContext): void {
    const value = monitored(logs, this.monitor, 'EarlyStopping');
    const improved =
      Number.isNaN(this.best) ||
      (this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta);
    if (improved) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) {
        this.dropWeights();
        this.bestWeights = Object.fromEntries(Object.entries(context.model.stateDict()).map(([k, t]) => [k, clone(t)]));
      }
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      context.stopTraining = true;
    }
  }

  onTrainEnd(context: TrainingContext): void {
    if (this.bestWeights && this.bestEpoch !== context.history.epoch.at(-1)) {
      context.model.loadStateDict(this.bestWeights);
    }
    this.dropWeights();
  }

  private dropWeights(): void {
    for (const t of Object.values(this.bestWeights ?? {})) t.dispose();
    this.bestWeights = undefined;
  }
}

/** Options of `ModelCheckpoint`. */
export interface ModelCheckpointOptions {
  /** With `saveBestOnly`, the value that decides (default 'valLoss'). */
  monitor?: string;
  /** Only write when `monitor` improved (default false: write every epoch). */
  saveBestOnly?: boolean;
  mode?: Mode;
}

/**
 * Writes a checkpoint (weights, optimizer, schedule, generator state, history) after each epoch, atomically.
 * `path` may contain `{epoch}` (1-based, the number of completed epochs). Resume with `loadCheckpoint`
 * and `fit(..., { initialEpoch: epoch })`.
 * @example new ModelCheckpoint('runs/mnist-{epoch}.safetensors')
 */
export class ModelCheckpoint implements Callback {
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly mode: 'min' | 'max';
  best = Number.NaN;
  /** Paths written so far. */
  readonly saved: string[] = [];

  constructor(
    readonly path: string,
    options: ModelCheckpointOptions = {},
  ) {
    if (typeof path !== 'string' || path === '')
      throw new ValueError('ModelCheckpoint: path must be a non-empty string');
    this.monitor = options.monitor ?? 'valLoss';
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.mode = direction(this.monitor, options.mode ?? 'auto');
  }

  async onEpochEnd(epoch: number, logs: Logs, context: TrainingContext): Promise<void> {
    if (this.saveBestOnly) {
      const value = monitored(logs, this.monitor, 'ModelCheckpoint');
      const better = Number.isNaN(this.best) || (this.mode === 'min' ? value < this.best : value > this.best);
      if (!better) return;
      this.best = value;
    }
    const path = this.path.replaceAll('{epoch}', String(epoch + 1));
    await saveCheckpoint(path, {
      model: context.model,
      optimizer: context.optimizer,
      scheduler: context.scheduler,
      epoch: epoch + 1,
      extra: { history: context.history, logs },
    });
    this.saved.push(path);
  }
}
