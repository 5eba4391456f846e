/** Learning-rate schedules with PyTorch's formulas: one file per schedule, the base in scheduler.ts. */
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine-annealing-lr';
export { LambdaLR, type LambdaLROptions } from './lambda-lr';
export { LinearLR, type LinearLROptions } from './linear-lr';
export { OneCycleLR, type OneCycleLROptions } from './one-cycle-lr';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau';
export { LRScheduler, type SchedulerOptionValue, type SchedulerStateDict } from './scheduler';
export { StepLR, type StepLROptions } from './step-lr';
