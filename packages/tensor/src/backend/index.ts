/**
 * @nn/tensor/backend: what a backend (and the autograd tape) needs, kept out of the user-facing entry. The kernel
 * contract (every kernel's spec, name, inputs, attributes and resolved outputs), the `Backend` interface, the shape
 * and window geometry the specs resolve outputs with, the reference CPU kernels and their building blocks, the
 * fallback hooks, and the engine itself (recorders, observers, `runKernel`).
 * @example
 * import { type KernelFn, outputInfo, registerBackend } from '@nn/tensor/backend';
 * const add: KernelFn<'Add'> = ({ inputs: { a, b }, outputs: [out], backend }) => ...;
 */

export {
  col2im,
  collapseAxes,
  cpuKernels,
  forEachRun,
  fromFloat64,
  gemm,
  im2col,
  type MatrixView,
  matrixView,
  type StridedLayout,
  stridedCopy,
} from '../backends/cpu';
export { CpuBackend } from '../backends/cpu/backend';
export {
  Engine,
  engine,
  type KernelCall,
  type KernelObserver,
  type KernelRecord,
  type KernelRecorder,
  type KernelTensors,
} from '../engine';
export * from '../kernels/contract';
export { conv2dOutputShape } from '../kernels/conv';
export {
  broadcastShapes,
  broadcastStrides,
  type ConvGeometry,
  convGeometry,
  type PoolGeometry,
  poolGeometry,
  reducedShape,
  windowOutputHW,
  windowOutputSize,
} from '../kernels/geometry';
export { matmulOutput } from '../kernels/matmul';
export { pool2dOutputShape } from '../kernels/pool';
export { defineKernel } from '../kernels/spec';
export type { UnaryOpKernel } from '../kernels/unary';
export { registerBackend } from '../runtime';
export { collectTensors } from '../tensor';
export { allocate, allocationError } from '../util/allocate';
export { shapesEqual, sizeOf, stridesOf } from '../util/shape';
export { declaresAttrs, refusesAttrs, reportFallback, runCpuKernel } from './fallback';
export {
  type AttrsNotImplemented,
  type Backend,
  type KernelArgs,
  type KernelFn,
  type KernelMap,
  type NotImplemented,
  outputInfo,
} from './interface';
