/**
 * @nn/tensor: n-d tensors with NumPy broadcasting, memory scopes, the backend registry and the reference CPU
 * backend. What backend authors need (the engine, the kernel contract, the CPU kernels and their helpers) is in
 * `@nn/tensor/backend`; the conformance suite is `@nn/tensor/testing`.
 * @example
 * import { tensor } from '@nn/tensor';
 * tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]])).toArray(); // [[3], [7]]
 */
export type { Backend, NotImplemented } from './backend/interface';
export type { BackendFactory, BackendInfo, KernelCoverage, MemoryInfo } from './engine';
export {
  AllocationError,
  DTypeError,
  FormatError,
  fmtShape,
  IndexError,
  NNError,
  ShapeError,
  StateError,
  ValueError,
} from './errors';
export type {
  AdamUpdateAttrs,
  AttentionAttrs,
  Conv2DAttrs,
  KernelName,
  LayerNormAttrs,
  MatMulAttrs,
  Padding4,
  Pair,
  Pool2DAttrs,
  SGDUpdateAttrs,
} from './kernels/contract';
export * from './ops';
export * from './runtime';
export { Tensor, type TensorLike, type UnaryMethods } from './tensor';
export type { DataId, DType, NestedArray, Shape, TensorInfo, TypedArray } from './types';
export { bytesPerElement, dtypeOfArray, typedArrayFor } from './types';
export { checkOptions, closestName, describeValue, type OptionKeys } from './util/options';
export { defaultGenerator, Generator, manualSeed } from './util/random';
