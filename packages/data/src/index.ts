export { DataLoader, type DataLoaderOptions } from './dataloader';
export {
  type Batch,
  type BatchSource,
  type Dataset,
  type HostBatch,
  isBatchSource,
  type Sample,
  Subset,
  TensorDataset,
} from './dataset';
export { type PreprocessDigitOptions, preprocessDigit, preprocessDigitHost } from './digit';
export type { DType, HostArray, HostTensor } from './host';
export {
  decodeIdx,
  encodeIdx,
  type IdxHeader,
  type IdxType,
  parseIdx,
  parseIdxHeader,
  type ReadIdxOptions,
  readIdx,
} from './idx';
export { decodeImage, decodeImageHost, type ImageOptions, imageDataToTensor, imageToTensor } from './image';
export { loadMnist, loadMnistHost, type Mnist, type MnistHost, type MnistOptions, type MnistSplit } from './mnist';
export { Rng } from './random';
export { resizeChannel } from './resize';
export { randomSplit, type TrainTestSplitOptions, trainTestSplit } from './split';
export {
  compose,
  type HostTransform,
  normalize,
  type RandomAffineOptions,
  randomAffine,
  type Transform,
} from './transforms';
