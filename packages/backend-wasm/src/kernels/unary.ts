/** Elementwise kernels of one input: float32 in wasm (SIMD where the op has a vector form), int32 by reference. */
import type { TensorInfo } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { sizeOf } from '../strided';
import { parallelElementwise } from './parallel';
import { runReference } from './reference';

/** Op codes of assembly/unary.ts. */
const OP = {
  Neg: 0,
  Exp: 1,
  Log: 2,
  Sqrt: 3,
  Abs: 4,
  Square: 5,
  Relu: 6,
  Sigmoid: 7,
  Tanh: 8,
  LeakyRelu: 9,
  Clip: 10,
} as const;
type UnaryName = keyof typeof OP;

function apply(backend: WasmBackend, op: number, x: TensorInfo, p = 0, q = 0): TensorInfo {
  const { info, data } = backend.output(x.shape, x.dtype);
  const src = backend.ptr(x);
  parallelElementwise(backend, 'unary', sizeOf(x.shape), (start, count) => [
    op,
    src + start * 4,
    data.ptr + start * 4,
    count,
    p,
    q,
  ]);
  return info;
}

function unaryKernel<K extends Exclude<UnaryName, 'LeakyRelu' | 'Clip'>>(name: K): KernelFn<K> {
  return (args) => {
    const { x } = args.inputs;
    if (x.dtype !== 'float32') return runReference<typeof name>(name, args);
    return apply(args.backend as WasmBackend, OP[name], x);
  };
}

const leakyRelu: KernelFn<'LeakyRelu'> = (args) => {
  const { x } = args.inputs;
  if (x.dtype !== 'float32') return runReference('LeakyRelu', args);
  return apply(args.backend as WasmBackend, OP.LeakyRelu, x, args.attrs.alpha);
};

const clip: KernelFn<'Clip'> = (args) => {
  const { x } = args.inputs;
  if (x.dtype !== 'float32') return runReference('Clip', args);
  return apply(args.backend as WasmBackend, OP.Clip, x, args.attrs.min, args.attrs.max);
};

/** float32 <-> int32 in wasm (truncating toward zero, wrapping like ToInt32); same dtype is a copy. */
const cast: KernelFn<'Cast'> = (args) => {
  const { x } = args.inputs;
  const backend = args.backend as WasmBackend;
  const { dtype } = args.attrs;
  const { info, data } = backend.output(x.shape, dtype);
  const n = sizeOf(x.shape);
  const src = backend.ptr(x);
  if (x.dtype === dtype) backend.heap.u8.copyWithin(data.ptr, src, src + n * 4);
  else if (dtype === 'int32') backend.exports.castF32ToI32(src, data.ptr, n);
  else backend.exports.castI32ToF32(src, data.ptr, n);
  return info;
};

export const unaryKernels = {
  Neg: unaryKernel('Neg'),
  Exp: unaryKernel('Exp'),
  Log: unaryKernel('Log'),
  Sqrt: unaryKernel('Sqrt'),
  Abs: unaryKernel('Abs'),
  Square: unaryKernel('Square'),
  Relu: unaryKernel('Relu'),
  Sigmoid: unaryKernel('Sigmoid'),
  Tanh: unaryKernel('Tanh'),
  LeakyRelu: leakyRelu,
  Clip: clip,
  Cast: cast,
};
