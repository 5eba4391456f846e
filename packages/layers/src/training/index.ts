/**
 * Training: `fit` (with a progress bar, callbacks, exact resume via `initialEpoch` + checkpoints),
 * `evaluate`, `predict`, and the EarlyStopping / ModelCheckpoint callbacks.
 */
export {
  type Callback,
  EarlyStopping,
  type EarlyStoppingOptions,
  type History,
  type Logs,
  ModelCheckpoint,
  type ModelCheckpointOptions,
  type TrainingContext,
} from './callbacks';
export { type EvaluateOptions, evaluate, evaluateAsync, type PredictOptions, predict } from './evaluate';
export { type FitOptions, fit } from './fit';
export type { Data } from './inputs';
export { type LossFn, type LossName, METRIC_NAMES, type MetricName } from './metrics';
export { ProgressBar, type ProgressOutput } from './progress';
export type { FitScheduler, SchedulerConfig } from './scheduling';
