/**
 * @nn/optim: optimizers (SGD, Adam, AdamW, RMSprop) whose update rules match PyTorch's, gradient clipping by
 * the global norm, and learning-rate schedules (StepLR, CosineAnnealingLR, LinearLR, LambdaLR, OneCycleLR,
 * ReduceLROnPlateau). State dicts are JSON-safe, for exact resume.
 * @example
 * import { Adam } from '@nn/optim';
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * const loss = opt.step(() => crossEntropy(model.forward(x), y));
 */
export { Adam, type AdamOptions, AdamW } from './adam';
export { type ClipGradNormOptions, type ClipGradNormResult, clipGradNorm } from './clip';
export {
  type BufferState,
  type HyperparamValue,
  Optimizer,
  type OptimizerOptions,
  type OptimizerStateDict,
  type ParamState,
  type UpdateContext,
} from './optimizer';
export { RMSprop, type RMSpropOptions } from './rmsprop';
export {
  CosineAnnealingLR,
  type CosineAnnealingLROptions,
  LambdaLR,
  type LambdaLROptions,
  LinearLR,
  type LinearLROptions,
  LRScheduler,
  OneCycleLR,
  type OneCycleLROptions,
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
  type SchedulerOptionValue,
  type SchedulerStateDict,
  StepLR,
  type StepLROptions,
} from './schedulers';
export { SGD, type SGDOptions } from './sgd';
