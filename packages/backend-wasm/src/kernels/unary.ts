/**
 * The unary family in wasm, float32 and int32 (SIMD where the op has a vector form): the plain unary ops, Cast and
 * ReluBackward. A plain unary op needs nothing here: assembly/unary.ts lists it in its exported `UnaryOp` enum
 * (by kernel name), and `unaryKernels` makes a kernel for every member the compiled module exports.
 */
import type { TensorInfo } from '@nn/tensor';
import { KERNEL_NAMES, type KernelFn, type KernelMap, type TensorMeta, type UnaryOpKernel } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import type { KernelExports } from '../module';
import { sizeOf } from '../strided';
import { parallelElementwise } from './parallel';

/**
 * The kernel of the op whose code (its `UnaryOp` member) is `op`. Its attributes, in the order its spec's
 * parseArgs gives them, are the assembly's `p` and `q` (booleans as 0 and 1).
 */
function unaryKernel(op: number): KernelFn<UnaryOpKernel> {
  return ({ inputs: { x }, attrs, outputs: [{ shape, dtype }], backend: base }): TensorInfo => {
    const backend = base as WasmBackend;
    const [p = 0, q = 0] = Object.values(attrs).map(Number);
    const { info, data } = backend.output(shape, dtype);
    const src = backend.ptr(x);
    const int = dtype === 'int32' ? 1 : 0;
    parallelElementwise(backend, 'unary', sizeOf(shape), (start, count) => [
      op,
      int,
      src + start * 4,
      data.ptr + start * 4,
      count,
      p,
      q,
    ]);
    return info;
  };
}

/** float32 <-> int32 in wasm (truncating toward zero, wrapping like ToInt32); same dtype is a copy. */
const cast: KernelFn<'Cast'> = ({ inputs: { x }, outputs: [{ shape, dtype }], backend: base }) => {
  const backend = base as WasmBackend;
  const { info, data } = backend.output(shape, dtype);
  const n = sizeOf(shape);
  const src = backend.ptr(x);
  if (x.dtype === dtype) backend.heap.u8.copyWithin(data.ptr, src, src + n * 4);
  else if (dtype === 'int32') backend.exports.castF32ToI32(src, data.ptr, n);
  else backend.exports.castI32ToF32(src, data.ptr, n);
  return info;
};

/**
 * A fused backward pass over two same-shaped tensors (dy and what the forward saved), one flag first: the wasm export
 * `fn(flag, dy, other, out, n)`, split over threads like the other elementwise kernels.
 */
function backwardPass(
  backend: WasmBackend,
  fn: 'reluBackward' | 'geluBackward',
  flag: boolean,
  dy: TensorInfo,
  other: TensorInfo,
  out: TensorMeta,
): TensorInfo {
  const { info, data } = backend.output(out.shape, out.dtype);
  const [dyPtr, otherPtr] = [backend.ptr(dy), backend.ptr(other)];
  parallelElementwise(backend, fn, sizeOf(out.shape), (start, count) => [
    flag ? 1 : 0,
    dyPtr + start * 4,
    otherPtr + start * 4,
    data.ptr + start * 4,
    count,
  ]);
  return info;
}

/** dy where y > 0, else 0: one masked pass, float32 or int32. */
const reluBackward: KernelFn<'ReluBackward'> = ({ inputs: { dy, y }, outputs: [out], backend }) =>
  backwardPass(backend as WasmBackend, 'reluBackward', out.dtype === 'int32', dy, y, out);

/** dy * gelu'(x): one pass, float32 (GELU's gradient rule runs it). */
const geluBackward: KernelFn<'GeluBackward'> = ({ inputs: { dy, x }, attrs: { tanh }, outputs: [out], backend }) =>
  backwardPass(backend as WasmBackend, 'geluBackward', tanh, dy, x, out);

/** The unary kernels of a compiled module: one per `UnaryOp` member it exports, and Cast, ReluBackward, GeluBackward. */
export function unaryKernels(exports: KernelExports): KernelMap {
  const kernels: Record<string, unknown> = { Cast: cast, ReluBackward: reluBackward, GeluBackward: geluBackward };
  const globals = exports as unknown as Record<string, unknown>;
  for (const name of KERNEL_NAMES) {
    const code = globals[`UnaryOp.${name}`];
    if (code instanceof WebAssembly.Global) kernels[name] = unaryKernel(code.value as number);
  }
  return kernels as KernelMap;
}
