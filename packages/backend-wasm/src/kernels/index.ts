import type { KernelName } from '@nn/tensor';
import type { KernelFn, KernelMap } from '@nn/tensor/backend';
import { binaryKernels } from './binary';
import { convKernels } from './conv';
import { matmulKernels } from './matmul';
import { optimKernels } from './optim';
import { poolKernels } from './pool';
import { reduceKernels } from './reduce';
import { shapeKernels } from './shape';
import { softmaxCrossEntropyKernels } from './softmax-ce';
import { unaryKernels } from './unary';

/** Every kernel of the contract has an entry (a missing one is a compile error); see WASM_KERNEL_PATHS for how each runs. */
export const wasmKernels: { [K in KernelName]: KernelFn<K> } & KernelMap = {
  ...binaryKernels,
  ...unaryKernels,
  ...reduceKernels,
  ...shapeKernels,
  ...matmulKernels,
  ...convKernels,
  ...poolKernels,
  ...softmaxCrossEntropyKernels,
  ...optimKernels,
};

/**
 * How each kernel runs on this backend, for float32 inputs:
 * - 'wasm': compiled from assembly/ (SIMD128 where it pays);
 * - 'heap-copy': typed-array copies inside the wasm heap (data movement; nothing leaves wasm memory);
 * - 'reference': the CPU reference kernel over views of the heap, output copied in.
 * int32 inputs of arithmetic kernels (Add, MatMul, Sum, ...) always take the reference path.
 */
export type WasmKernelPath = 'wasm' | 'heap-copy' | 'reference';

export const WASM_KERNEL_PATHS: Record<KernelName, WasmKernelPath> = {
  Add: 'wasm',
  Sub: 'wasm',
  Mul: 'wasm',
  Div: 'wasm',
  Pow: 'wasm',
  Maximum: 'wasm',
  Minimum: 'wasm',
  Equal: 'wasm',
  Greater: 'wasm',
  Less: 'wasm',
  Where: 'wasm',
  Neg: 'wasm',
  Exp: 'wasm',
  Log: 'wasm',
  Sqrt: 'wasm',
  Abs: 'wasm',
  Square: 'wasm',
  Relu: 'wasm',
  Sigmoid: 'wasm',
  Tanh: 'wasm',
  LeakyRelu: 'wasm',
  Clip: 'wasm',
  Cast: 'wasm',
  Sum: 'wasm',
  Max: 'wasm',
  Min: 'wasm',
  ArgMax: 'wasm',
  Reshape: 'heap-copy',
  BroadcastTo: 'wasm',
  Transpose: 'wasm',
  Slice: 'wasm',
  Concat: 'wasm',
  Pad: 'wasm',
  Gather: 'heap-copy',
  ScatterAdd: 'reference',
  OneHot: 'heap-copy',
  MatMul: 'wasm',
  Conv2D: 'wasm',
  Conv2DBackpropInput: 'wasm',
  Conv2DBackpropFilter: 'wasm',
  MaxPool2D: 'wasm',
  MaxPool2DBackward: 'wasm',
  AvgPool2D: 'wasm',
  AvgPool2DBackward: 'wasm',
  SoftmaxCrossEntropy: 'wasm',
  ReluBackward: 'wasm',
  AdamUpdate: 'wasm',
  SGDUpdate: 'wasm',
};
