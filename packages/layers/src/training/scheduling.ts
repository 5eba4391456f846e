/**
 * How `fit` steps a learning-rate schedule: after every epoch (the default) or after every batch (OneCycleLR),
 * and for ReduceLROnPlateau with the logged value it watches. Stepping reads nothing from the device.
 */
import { type LRScheduler, ReduceLROnPlateau } from '@nn/optim';
import { checkOptions, type OptionKeys, ValueError } from '@nn/tensor';
import type { Logs } from './callbacks';

/** A schedule with how `fit` should step it. */
export interface SchedulerConfig {
  scheduler: LRScheduler;
  /** 'epoch' (default): `step()` after every epoch; 'batch': after every optimizer step, as OneCycleLR wants. */
  interval?: 'epoch' | 'batch';
  /**
   * ReduceLROnPlateau only: the logged value it watches (`valLoss`, `valAccuracy`, `loss`, ...). Default
   * 'valLoss' when `fit` has validation data, else 'loss'.
   */
  monitor?: string;
}

/** `fit`'s `scheduler` option: a schedule stepped after every epoch, or a `SchedulerConfig`. */
export type FitScheduler = LRScheduler | SchedulerConfig;

/** What `fit` calls: after each optimizer step and after each epoch (once the validation logs exist). */
export interface ScheduleDriver {
  readonly scheduler: LRScheduler;
  afterBatch(): void;
  afterEpoch(logs: Logs): void;
}

const CONFIG_KEYS: OptionKeys<SchedulerConfig> = { scheduler: true, interval: true, monitor: true };

function isScheduler(value: unknown): value is LRScheduler {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as LRScheduler).step === 'function' &&
    typeof (value as LRScheduler).getLastLr === 'function'
  );
}

/**
 * Checks `fit`'s `scheduler` option and returns how to step it, or undefined without one.
 * @example const schedule = scheduleDriver({ scheduler: oneCycle, interval: 'batch' }, false, 'fit');
 */
export function scheduleDriver(
  option: FitScheduler | undefined,
  hasValidation: boolean,
  owner: string,
): ScheduleDriver | undefined {
  if (option === undefined) return undefined;
  const config: SchedulerConfig = isScheduler(option) ? { scheduler: option } : option;
  if (config === null || typeof config !== 'object' || !isScheduler(config.scheduler)) {
    throw new ValueError(
      `${owner}: scheduler must be a schedule (new StepLR(...), ...) or { scheduler, interval, monitor }`,
    );
  }
  checkOptions(`${owner} scheduler`, config, CONFIG_KEYS);
  const { scheduler } = config;
  const interval = config.interval ?? 'epoch';
  if (interval !== 'epoch' && interval !== 'batch') {
    throw new ValueError(`${owner}: scheduler interval must be 'epoch' or 'batch', got ${String(interval)}`);
  }
  if (!(scheduler instanceof ReduceLROnPlateau)) {
    if (config.monitor !== undefined) {
      throw new ValueError(`${owner}: scheduler monitor is for ReduceLROnPlateau; ${scheduler.type} takes no value`);
    }
    return {
      scheduler,
      afterBatch: () => {
        if (interval === 'batch') scheduler.step();
      },
      afterEpoch: () => {
        if (interval === 'epoch') scheduler.step();
      },
    };
  }
  // A plateau is judged on an epoch's value: per batch it would need the running loss read after every batch.
  if (interval === 'batch') {
    throw new ValueError(`${owner}: ReduceLROnPlateau steps once per epoch on a logged value; use interval 'epoch'`);
  }
  const monitor = config.monitor ?? (hasValidation ? 'valLoss' : 'loss');
  if (monitor.startsWith('val') && !hasValidation) {
    throw new ValueError(`${owner}: ReduceLROnPlateau monitors '${monitor}', but fit has no validation data`);
  }
  return {
    scheduler,
    afterBatch: () => undefined,
    afterEpoch: (logs) => {
      const value = logs[monitor];
      if (value === undefined) {
        throw new ValueError(
          `${owner}: ReduceLROnPlateau monitors '${monitor}', which is not logged (logged: ${Object.keys(logs).join(', ')})`,
        );
      }
      scheduler.step(value);
    },
  };
}
