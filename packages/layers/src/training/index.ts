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
export { type Data, type EvaluateOptions, evaluate, evaluateAsync, type FitOptions, fit, predict } from './fit';
export { type LossFn, type LossName, METRIC_NAMES, type MetricName } from './metrics';
export { ProgressBar, type ProgressOutput } from './progress';
