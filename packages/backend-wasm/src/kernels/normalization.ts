/**
 * layerNorm and its backward in wasm (assembly/normalization.ts, SIMD128), float32, one row of n at a time; rows are
 * independent, so large inputs are cut into runs of rows over the threads.
 */
import type { TensorInfo } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { sizeOf } from '../strided';
import { parallelRows } from './parallel';

/** Rows and row length of x normalised over its last `axes` axes. */
function rowsOf(shape: readonly number[], axes: number): [number, number] {
  const n = sizeOf(shape.slice(shape.length - axes));
  return [n === 0 ? 0 : sizeOf(shape) / n, n];
}

/** The pointer of an optional input, 0 when absent. */
function optionalPtr(backend: WasmBackend, t: TensorInfo | undefined): number {
  return t === undefined ? 0 : backend.ptr(t);
}

// float64 tensors live on the cpu backend (supportsDType) and the spec refuses int32, so x is float32 here.
const layerNorm: KernelFn<'LayerNorm'> = ({ inputs: { x, weight, bias }, attrs: { axes, eps }, outputs, backend }) => {
  const wasm = backend as WasmBackend;
  const [rows, n] = rowsOf(x.shape, axes);
  const { info, data } = wasm.output(outputs[0].shape, outputs[0].dtype);
  const [w, b] = [optionalPtr(wasm, weight), optionalPtr(wasm, bias)];
  const xPtr = wasm.ptr(x);
  parallelRows(wasm, 'layerNorm', rows, n, (start, count) => {
    const at = start * n * 4;
    return [xPtr + at, w, b, data.ptr + at, count, n, eps, weight ? 1 : 0, bias ? 1 : 0];
  });
  return info;
};

const layerNormBackward: KernelFn<'LayerNormBackward'> = ({
  inputs: { dy, x, weight },
  attrs: { axes, eps },
  outputs,
  backend,
}) => {
  const wasm = backend as WasmBackend;
  const [rows, n] = rowsOf(x.shape, axes);
  const { info, data } = wasm.output(outputs[0].shape, outputs[0].dtype);
  const w = optionalPtr(wasm, weight);
  const [dyPtr, xPtr] = [wasm.ptr(dy), wasm.ptr(x)];
  parallelRows(wasm, 'layerNormBackward', rows, n, (start, count) => {
    const at = start * n * 4;
    return [dyPtr + at, xPtr + at, w, data.ptr + at, count, n, eps, weight ? 1 : 0];
  });
  return info;
};

export const normalizationKernels = { LayerNorm: layerNorm, LayerNormBackward: layerNormBackward };
