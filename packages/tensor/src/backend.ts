/**
 * What a backend is: a small storage interface plus a map of kernels. Kernels a backend leaves out run
 * on the reference CPU kernels through the same contract (see `kernelCoverage()`).
 */
import type { KernelAttrs, KernelInputs, KernelName, KernelOutput } from './kernels/names';
import type { DataId, DType, Shape, TensorInfo, TypedArray } from './types';

export interface KernelArgs<K extends KernelName, B extends Backend = Backend> {
  inputs: KernelInputs<K>;
  attrs: KernelAttrs<K>;
  backend: B;
}

/**
 * A kernel: a pure function from input tensors and attributes to one new output tensor, or a tuple of them
 * for the multi-output kernels (`KernelOutputCounts`).
 */
export type KernelFn<K extends KernelName, B extends Backend = Backend> = (args: KernelArgs<K, B>) => KernelOutput<K>;

export type KernelMap<B extends Backend = Backend> = { [K in KernelName]?: KernelFn<K, B> };

export interface Backend {
  /** The name it was registered under, e.g. 'cpu'. */
  readonly name: string;
  /** The kernels this backend implements; the rest fall back to the CPU kernels. */
  readonly kernels: KernelMap;
  /** 32 or 64: the widest float it computes in. */
  floatPrecision(): 32 | 64;
  /** dtypes it can store; float64 is only required of the CPU backend. */
  supportsDType(dtype: DType): boolean;
  /** Stores a copy of `values` (or takes ownership when `owned`), returning its id. */
  write(values: TypedArray, shape: Shape, dtype: DType, owned?: boolean): DataId;
  /** Reads the values back. The array may be the backend's own storage: callers must not mutate it. */
  readSync(dataId: DataId): TypedArray;
  read(dataId: DataId): Promise<TypedArray>;
  /** Frees the storage behind `dataId`. */
  disposeData(dataId: DataId): void;
  /** How many blocks of storage are live: the leak check compares it around every kernel. */
  numDataIds(): number;
  /** Optional: free everything when the backend is removed. */
  dispose?(): void;
}

/** Shorthand used by kernels: a tensor info for freshly written data. */
export function outputInfo(backend: Backend, values: TypedArray, shape: Shape, dtype: DType): TensorInfo {
  return { dataId: backend.write(values, shape, dtype, true), shape, dtype };
}
