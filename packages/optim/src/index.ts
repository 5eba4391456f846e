/**
 * @nn/optim: optimizers (SGD, Adam, AdamW, RMSprop) whose update rules match PyTorch's, and learning-rate
 * schedules (StepLR, CosineAnnealingLR). State dicts are JSON-safe, for exact resume.
 * @example
 * import { Adam } from '@nn/optim';
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * const loss = opt.step(() => crossEntropy(model.forward(x), y));
 */
export { Adam, type AdamOptions, AdamW } from './adam';
export {
  type BufferState,
  type HyperparamValue,
  Optimizer,
  type OptimizerStateDict,
  type ParamState,
  type UpdateContext,
} from './optimizer';
export { RMSprop, type RMSpropOptions } from './rmsprop';
export {
  CosineAnnealingLR,
  type CosineAnnealingLROptions,
  LRScheduler,
  type SchedulerStateDict,
  StepLR,
  type StepLROptions,
} from './schedulers';
export { SGD, type SGDOptions } from './sgd';
