/**
 * @nn/layers: `Module` with PyTorch-named state dicts, the layers of a CNN/MLP/RNN, losses, and (in
 * ./training and ./io) fit/evaluate/predict and safetensors save/load.
 * @example
 * import { Sequential, Linear, ReLU, crossEntropy } from '@nn/layers';
 * const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * const loss = crossEntropy(model.forward(x), labels);
 */
export type { InitOptions } from './init';
export * from './io';
export * from './layers';
export * from './losses';
export { lenet5 } from './models';
export { type LoadResult, type LoadStateDictOptions, Module, type NumParametersOptions } from './module';
export {
  deserializeModule,
  type ModuleClass,
  type ModuleFactory,
  type ModuleSpec,
  registeredName,
  registerModule,
  serializeModule,
} from './registry';
export { type SummaryOptions, summary } from './summary';
export * from './training';
