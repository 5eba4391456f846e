export { LeakyReLU, type NoOptions, ReLU, RReLU, type RReLUOptions, Sigmoid, Softmax, Tanh } from './activations';
export {
  type AttentionForwardOptions,
  type AttentionResult,
  MultiheadAttention,
  type MultiheadAttentionOptions,
} from './attention';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batchnorm';
export { Conv2d, type Conv2dLayerOptions } from './conv';
export { ConvTranspose2d, type ConvTranspose2dLayerOptions } from './conv-transpose';
export { Conv1d, type Conv1dLayerOptions } from './conv1d';
export { Dropout, type DropoutOptions } from './dropout';
export { Embedding, type EmbeddingOptions } from './embedding';
export { Flatten } from './flatten';
export { GroupNorm, type GroupNormOptions } from './group-norm';
export { Identity } from './identity';
export { LayerNorm, type LayerNormLayerOptions } from './layer-norm';
export { Linear, type LinearOptions } from './linear';
export { AvgPool2d, MaxPool2d, type PoolLayerOptions } from './pooling';
export { type ElmanRnnOptions, GRU, LSTM, RNN, type RnnOptions, type RnnResult } from './rnn';
export { Sequential } from './sequential';
export { ELU, GELU, type GELUOptions, SiLU, Softplus, type SoftplusLayerOptions } from './smooth-activations';
export {
  type EncoderForwardOptions,
  TransformerEncoder,
  TransformerEncoderLayer,
  type TransformerEncoderLayerOptions,
} from './transformer';
export { AdaptiveAvgPool2d, Upsample, type UpsampleOptions } from './upsample';
