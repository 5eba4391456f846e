/** The built-in layers under their registered (PyTorch) class names, for `deserializeModule`. */
import { LeakyReLU, ReLU, RReLU, Sigmoid, Softmax, Tanh } from './layers/activations';
import { MultiheadAttention } from './layers/attention';
import { BatchNorm1d, BatchNorm2d } from './layers/batchnorm';
import { Conv2d } from './layers/conv';
import { ConvTranspose2d } from './layers/conv-transpose';
import { Conv1d } from './layers/conv1d';
import { Dropout } from './layers/dropout';
import { Embedding } from './layers/embedding';
import { Flatten } from './layers/flatten';
import { GroupNorm } from './layers/group-norm';
import { Identity } from './layers/identity';
import { LayerNorm } from './layers/layer-norm';
import { Linear } from './layers/linear';
import { AvgPool2d, MaxPool2d } from './layers/pooling';
import { GRU, LSTM, RNN } from './layers/rnn';
import { Sequential } from './layers/sequential';
import { ELU, GELU, SiLU, Softplus } from './layers/smooth-activations';
import { TransformerEncoder, TransformerEncoderLayer } from './layers/transformer';
import { AdaptiveAvgPool2d, Upsample } from './layers/upsample';
import type { ModuleClass } from './registry';

// Listed here rather than registered by each layer file on import, so that a bundler honouring
// `"sideEffects": false` cannot drop a registration that `loadModel` needs.
export const builtinModules: readonly (readonly [string, ModuleClass])[] = [
  ['Sequential', Sequential],
  ['Linear', Linear],
  ['Conv2d', Conv2d],
  ['MaxPool2d', MaxPool2d],
  ['AvgPool2d', AvgPool2d],
  ['Flatten', Flatten],
  ['Dropout', Dropout],
  ['BatchNorm1d', BatchNorm1d],
  ['BatchNorm2d', BatchNorm2d],
  ['ReLU', ReLU],
  ['LeakyReLU', LeakyReLU],
  ['RReLU', RReLU],
  ['Sigmoid', Sigmoid],
  ['Tanh', Tanh],
  ['Softmax', Softmax],
  ['RNN', RNN],
  ['LSTM', LSTM],
  ['GRU', GRU],
  ['Embedding', Embedding],
  ['GroupNorm', GroupNorm],
  ['Identity', Identity],
  ['GELU', GELU],
  ['SiLU', SiLU],
  ['ELU', ELU],
  ['Softplus', Softplus],
  ['Conv1d', Conv1d],
  ['ConvTranspose2d', ConvTranspose2d],
  ['Upsample', Upsample],
  ['AdaptiveAvgPool2d', AdaptiveAvgPool2d],
  ['LayerNorm', LayerNorm],
  ['MultiheadAttention', MultiheadAttention],
  ['TransformerEncoderLayer', TransformerEncoderLayer],
  ['TransformerEncoder', TransformerEncoder],
];
