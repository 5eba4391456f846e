export { LeakyReLU, type NoOptions, ReLU, RReLU, type RReLUOptions, Sigmoid, Softmax, Tanh } from './activations';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './batchnorm';
export { Conv2d, type Conv2dLayerOptions } from './conv';
export { Dropout, type DropoutOptions } from './dropout';
export { Flatten } from './flatten';
export { Linear, type LinearOptions } from './linear';
export { AvgPool2d, MaxPool2d, type PoolLayerOptions } from './pooling';
export { type ElmanRnnOptions, GRU, LSTM, RNN, type RnnOptions, type RnnResult } from './rnn';
export { Sequential } from './sequential';
