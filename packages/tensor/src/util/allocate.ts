/**
 * Allocations that can fail: a typed array too long for the runtime, an ArrayBuffer the process cannot get, a wasm
 * memory that cannot grow. Each becomes an AllocationError naming the op, the shape(s) and the bytes asked for
 * (instead of a bare RangeError from deep inside a kernel).
 */

import type { Backend } from '../backend/interface';
import { AllocationError, fmtShape } from '../errors';
import type { TensorMeta } from '../kernels/spec';
import { bytesPerElement, type DataId, type DType, type TypedArray, typedArrayFor } from '../types';
import { sizeOf } from './shape';

/** The RangeErrors engines throw when memory cannot be had (V8, SpiderMonkey, JavaScriptCore, wasm grow). */
const OUT_OF_MEMORY = /allocat|array buffer|typed array|arraybuffer|memory|out of memory|too large/i;

function describe(outputs: readonly TensorMeta[]): string {
  const bytes = outputs.reduce((sum, o) => sum + sizeOf(o.shape) * bytesPerElement(o.dtype), 0);
  return `${outputs.map((o) => `${fmtShape(o.shape)} ${o.dtype}`).join(' and ')} (${bytes} bytes)`;
}

/** `error` as an AllocationError when it is the runtime refusing memory for `outputs` of `op`; else null. */
export function allocationError(error: unknown, op: string, outputs: readonly TensorMeta[]): AllocationError | null {
  if (error instanceof AllocationError) return error;
  if (!(error instanceof RangeError) || !OUT_OF_MEMORY.test(error.message)) return null;
  return new AllocationError(`${op}: cannot allocate ${describe(outputs)}: ${error.message}`, { cause: error });
}

/** A zeroed typed array for a tensor of `shape`, or an AllocationError naming `op`. */
export function allocate(op: string, shape: readonly number[], dtype: DType): TypedArray {
  try {
    return typedArrayFor(dtype, sizeOf(shape));
  } catch (error) {
    throw allocationError(error, op, [{ shape, dtype }]) ?? error;
  }
}

/** Writes `values` into `backend` as a tensor of `meta`, or throws an AllocationError naming `op`. */
export function store(op: string, backend: Backend, values: TypedArray, meta: TensorMeta, owned: boolean): DataId {
  try {
    return backend.write(values, meta.shape, meta.dtype, owned);
  } catch (error) {
    throw allocationError(error, op, [meta]) ?? error;
  }
}
