/**
 * What a backend is: a small storage interface plus a map of kernels. Kernels a backend leaves out run on the
 * reference CPU kernels through the same contract; the engine records every such call (see `kernelCoverage()`).
 */
import type { KernelAttrs, KernelInputs, KernelName, KernelOutput, KernelOutputMetas } from '../kernels/contract';
import type { DataId, DType, Shape, TensorInfo, TypedArray } from '../types';

/** What a kernel function receives: its inputs, attributes, the resolved outputs and the backend. */
export interface KernelArgs<K extends KernelName, B extends Backend = Backend> {
  inputs: KernelInputs<K>;
  attrs: KernelAttrs<K>;
  /**
   * The shape and dtype of every output, resolved by the kernel's spec before the call: the kernel produces
   * exactly these (read `shape` and `dtype` only) and never re-derives broadcasting or window geometry.
   */
  outputs: KernelOutputMetas<K>;
  backend: B;
}

/**
 * A kernel: a pure function from input tensors and attributes to one new output tensor, or a tuple of them
 * for the multi-output kernels (the fused optimizer updates).
 */
export type KernelFn<K extends KernelName, B extends Backend = Backend> = (args: KernelArgs<K, B>) => KernelOutput<K>;

/** A backend's kernels by name; a missing one runs on the reference CPU kernel. */
export type KernelMap<B extends Backend = Backend> = { [K in KernelName]?: KernelFn<K, B> };

/**
 * Calls of `kernel` whose attributes differ from `attrs` (compared by value), which the backend's own code does not
 * compute: `{ kernel: 'Conv2D', attrs: { dilation: [1, 1], groups: 1 }, reason: '...' }`. The kernel checks
 * `refusesAttrs(backend, name, attrs)` and runs `runCpuKernel` for those calls.
 */
export type AttrsNotImplemented = {
  readonly [K in KernelName]: {
    readonly kernel: K;
    readonly attrs: Readonly<Partial<KernelAttrs<K>>>;
    /** Why: shown with the declaration, and kept in the backend's list so it is never a silent gap. */
    readonly reason: string;
  };
}[KernelName];

/**
 * A kernel, some dtypes of it, or some attribute values of it that a backend declares it does not implement itself:
 * those calls run on the reference CPU kernels (the engine's fallback, or the backend's own host path reported with
 * `reportFallback`). `'Conv2DBackpropFilter'` declares the whole kernel; `{ kernel: 'Add', dtypes: ['int32'] }`
 * only calls with an int32 input; an `AttrsNotImplemented` only calls with other attributes than it lists. The
 * conformance suite fails any fallback that is not declared.
 */
export type NotImplemented =
  | KernelName
  | { readonly kernel: KernelName; readonly dtypes: readonly DType[] }
  | AttrsNotImplemented;

/** What a backend implements: storage (write, readSync/read, disposeData) and its kernel map. */
export interface Backend {
  /** The name it was registered under, e.g. 'cpu'. */
  readonly name: string;
  /** The kernels this backend implements; the rest fall back to the CPU kernels. */
  readonly kernels: KernelMap;
  /** The kernels (or dtypes of kernels) it declares it runs on the CPU kernels: see `NotImplemented`. */
  readonly notImplemented?: readonly NotImplemented[];
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
  /** Optional: the variant it runs as, e.g. the gpu backend's gpu.js mode ('webgl2', 'webasm'); `getBackend().mode`. */
  readonly mode?: string;
  /** Optional: what it holds beyond tensors (device bytes, host copies, compiled kernels); `memory().backend`. */
  memory?(): Readonly<Record<string, number>>;
}

/** Shorthand used by kernels: a tensor info for freshly written data. */
export function outputInfo(backend: Backend, values: TypedArray, shape: Shape, dtype: DType): TensorInfo {
  return { dataId: backend.write(values, shape, dtype, true), shape, dtype };
}
