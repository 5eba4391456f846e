/**
 * @nn/tensor: n-d tensors with NumPy broadcasting, the kernel contract, the backend registry and the
 * reference CPU backend.
 * @example
 * import { tensor } from '@nn/tensor';
 * tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]])).toArray(); // [[3], [7]]
 */
export { type Backend, type KernelArgs, type KernelFn, type KernelMap, outputInfo } from './backend';
export { CpuBackend, cpuKernels } from './backends/cpu';
/** The CPU kernels' building blocks (strided walks, im2col, the blocked GEMM), for backends to reuse. */
export * as kernelHelpers from './backends/cpu/helpers';
export {
  type BackendFactory,
  type BackendInfo,
  Engine,
  engine,
  type KernelCoverage,
  type KernelRecord,
  type KernelRecorder,
  type KernelTensors,
  type MemoryInfo,
} from './engine';
export { DTypeError, FormatError, fmtShape, IndexError, NNError, ShapeError, StateError, ValueError } from './errors';
export * from './kernels/names';
export * from './ops';
export * from './runtime';
export { Tensor, type TensorLike } from './tensor';
export type { DataId, DType, NestedArray, Shape, TensorInfo, TypedArray } from './types';
export { bytesPerElement, dtypeOfArray, typedArrayFor } from './types';
export { checkOptions, closestName, describeValue, type OptionKeys } from './util/options';
export { defaultGenerator, Generator, manualSeed } from './util/random';
export * as shapeUtil from './util/shape';
