export { type BinaryCrossEntropyOptions, binaryCrossEntropy, crossEntropy } from './classification';
export type { LossOptions, Reduction } from './reduction';
export { l1Loss, meanBiasError, mseLoss } from './regression';
