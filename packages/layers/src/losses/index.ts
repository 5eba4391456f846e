export {
  type BinaryCrossEntropyOptions,
  binaryCrossEntropy,
  type CrossEntropyOptions,
  crossEntropy,
} from './classification';
export { type KlDivOptions, type KlDivReduction, klDiv } from './kl-div';
export { type NllLossOptions, nllLoss } from './nll';
export type { LossOptions, Reduction } from './reduction';
export {
  type HuberLossOptions,
  huberLoss,
  l1Loss,
  meanBiasError,
  mseLoss,
  type SmoothL1LossOptions,
  smoothL1Loss,
} from './regression';
