/** The 'wasm' backend: tensors in one WebAssembly.Memory, kernels compiled from assembly/ with SIMD128. */
import {
  type Backend,
  type DataId,
  type DType,
  DTypeError,
  type Shape,
  StateError,
  type TensorInfo,
  type TypedArray,
} from '@nn/tensor';
import type { KernelMap, NotImplemented } from '@nn/tensor/backend';
import { WasmHeap } from './heap';
import { wasmKernels } from './kernels';
import { instantiate, type KernelExports, resolveSimd, type SimdMode, sharedMemoryAvailable } from './module';
import { getWasmThreads } from './threads';
import { type ThreadCall, ThreadPool } from './threads/pool';

/** One block of tensor storage; the object itself is the DataId the engine holds. */
export class WasmData {
  disposed = false;
  constructor(
    /** Byte offset in the backend's memory, 16-byte aligned. */
    readonly ptr: number,
    /** Elements (4 bytes each: float32 or int32). */
    readonly length: number,
    readonly dtype: 'float32' | 'int32',
    /** Allocation number within its backend (what a failed kernel frees: its own, numbered from its start on). */
    readonly serial = 0,
  ) {}
}

/** Options of `createWasmBackend`. */
export interface WasmBackendOptions {
  /** Initial memory in MiB (it grows on demand). Default 64. */
  initialMiB?: number;
  /** Force an unshared memory even where SharedArrayBuffer exists (no threads). */
  unshared?: boolean;
  /**
   * Which kernel build: `'auto'` (default) runs the relaxed-SIMD one where the engine supports it, else SIMD128;
   * `'relaxed'` or `'simd128'` force one (`'relaxed'` throws where unsupported).
   */
  simd?: SimdMode;
}

/**
 * What runs on the reference CPU kernels (over views of wasm memory, reported as fallbacks): int32 convolutions
 * and poolings, which no model here computes in int32 (their float32 forms are wasm).
 */
export const WASM_NOT_IMPLEMENTED: readonly NotImplemented[] = (
  [
    'Conv2D',
    'Conv2DBackpropInput',
    'Conv2DBackpropFilter',
    'MaxPool2D',
    'MaxPool2DBackward',
    'AvgPool2D',
    'AvgPool2DBackward',
  ] as const
).map((kernel): NotImplemented => ({ kernel, dtypes: ['int32'] }));

/** The WebAssembly backend: tensors live in one wasm memory, kernels are AssemblyScript (optionally threaded). */
export class WasmBackend implements Backend {
  readonly name: string = 'wasm';
  readonly kernels: KernelMap;
  /** Calls its kernels do not compute themselves; they run on the CPU kernels over wasm memory (reported). */
  readonly notImplemented: readonly NotImplemented[] = WASM_NOT_IMPLEMENTED;
  private readonly live = new Set<WasmData>();
  /** Blocks of tensor storage allocated so far: a kernel that throws frees those numbered from its start on. */
  private allocations = 0;
  /** One GEMM packing scratch per lane (thread), allocated on first use and kept. */
  private readonly gemmScratchPtrs: number[] = [];
  private pool: ThreadPool | null = null;

  constructor(
    readonly exports: KernelExports,
    readonly heap: WasmHeap,
    /** True when the memory is a SharedArrayBuffer (what a worker pool needs). */
    readonly shared: boolean,
    /** The compiled kernels, for the worker pool to instantiate over the same memory. */
    readonly module: WebAssembly.Module | null = null,
    /** The kernel build running: `'relaxed'` (relaxed SIMD multiply-adds) or `'simd128'`. */
    readonly simd: 'relaxed' | 'simd128' = 'simd128',
  ) {
    this.kernels = this.freeingOnError(wasmKernels(exports));
  }

  /**
   * Each kernel, made to free the storage it allocated when it throws (say, a work buffer past the wasm32 limit
   * after its output was allocated), so a failed call leaves the heap as it was. Costs a counter read per call.
   */
  private freeingOnError(kernels: KernelMap): KernelMap {
    const wrapped: Record<string, (args: never) => unknown> = {};
    for (const [name, kernel] of Object.entries(kernels) as [string, (args: never) => unknown][]) {
      wrapped[name] = (args) => {
        const first = this.allocations;
        try {
          return kernel(args);
        } catch (error) {
          for (const data of [...this.live]) if (data.serial >= first) this.disposeData(data);
          throw error;
        }
      };
    }
    return wrapped as KernelMap;
  }

  floatPrecision(): 32 | 64 {
    return 32;
  }

  /** float64 is not stored here: the engine keeps float64 tensors (and their kernels) on the CPU backend. */
  supportsDType(dtype: DType): boolean {
    return dtype === 'float32' || dtype === 'int32';
  }

  write(values: TypedArray, _shape: Shape, dtype: DType, _owned?: boolean): DataId {
    const data = this.allocData(values.length, dtype);
    const view = dtype === 'int32' ? this.heap.i32 : this.heap.f32;
    view.set(values, data.ptr >>> 2);
    return data;
  }

  /** A copy: a view into wasm memory would change under the caller when the block is reused or memory grows. */
  readSync(dataId: DataId): TypedArray {
    return this.view(dataId).slice();
  }

  read(dataId: DataId): Promise<TypedArray> {
    try {
      return Promise.resolve(this.readSync(dataId));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  disposeData(dataId: DataId): void {
    if (!(dataId instanceof WasmData) || dataId.disposed) return;
    dataId.disposed = true;
    this.live.delete(dataId);
    this.heap.release(dataId.ptr, dataId.length * 4);
  }

  numDataIds(): number {
    return this.live.size;
  }

  /** Frees everything and stops the worker pool (`workersStopped` resolves when its threads have exited). */
  dispose(): void {
    for (const data of this.live) data.disposed = true;
    this.live.clear();
    if (this.pool) this.workersStopped = this.pool.dispose();
    this.pool = null;
  }

  /** Resolves once the workers of the last disposed pool have exited. */
  workersStopped: Promise<void> = Promise.resolve();

  /** Worker threads running now (the calling thread not counted). */
  get workerCount(): number {
    return this.pool?.liveWorkers ?? 0;
  }

  /** Calls of split kernels the current pool's workers ran (for tests and benchmarks). */
  get workerCalls(): number {
    return this.pool?.workerCalls ?? 0;
  }

  /** Calls of split kernels run through the current pool, by any thread. */
  get pooledCalls(): number {
    return this.pool?.totalCalls ?? 0;
  }

  // ---- threads ----------------------------------------------------------------------------------

  /**
   * How many threads a parallel kernel can use now: getWasmThreads() once the workers have started, 1
   * without shared memory. Starts (or resizes) the worker pool when the setting asks for more threads.
   */
  lanes(): number {
    const wanted = this.shared && this.module ? getWasmThreads() : 1;
    // Back to one thread: the workers stay (asleep, unused), so switching back costs no start-up.
    if (wanted <= 1) return 1;
    if (!this.pool || this.pool.size !== wanted - 1) {
      if (this.pool) this.workersStopped = this.pool.dispose();
      this.pool = new ThreadPool(this.module!, this.heap.memory, wanted - 1);
    }
    return 1 + this.pool.readyWorkers;
  }

  /**
   * Runs the calls, in parallel when workers are ready, returning when all are done. A call's `scratchArg` /
   * `workArg` argument takes the running thread's GEMM scratch / a work buffer of `workBytes` of its own.
   */
  parallel(calls: readonly ThreadCall[], workBytes = 0): void {
    // lanes() applies the current setting (after setWasmThreads(1) the pool is left unused).
    const pool = calls.length > 1 && this.lanes() > 1 ? this.pool : null;
    const lanes = pool ? pool.size + 1 : 1;
    const resources: [number, number][] = [];
    try {
      for (let lane = 0; lane < lanes; lane++) {
        resources.push([this.gemmScratch(lane), workBytes > 0 ? this.heap.alloc(workBytes) : 0]);
      }
      if (pool) {
        pool.run(this.exports, calls, resources);
        return;
      }
      const [scratch, work] = resources[0]!;
      for (const call of calls) {
        const args = [...call.args];
        if (call.scratchArg !== undefined) args[call.scratchArg] = scratch;
        if (call.workArg !== undefined) args[call.workArg] = work;
        (this.exports[call.fn] as (...args: number[]) => void)(...args);
      }
    } finally {
      for (const [, work] of resources) if (work !== 0) this.heap.release(work, workBytes);
    }
  }

  // ---- for kernels ------------------------------------------------------------------------------

  /** Fresh, uninitialised storage for `length` elements. */
  allocData(length: number, dtype: DType): WasmData {
    if (dtype !== 'float32' && dtype !== 'int32') {
      throw new DTypeError(`wasm: cannot store ${dtype} (float32 and int32 only); use the cpu backend for ${dtype}`);
    }
    const data = new WasmData(this.heap.alloc(length * 4), length, dtype, this.allocations++);
    this.live.add(data);
    return data;
  }

  /** Allocates an output tensor of `shape`: its info for the engine and its storage for the kernel. */
  output(shape: Shape, dtype: DType): { info: TensorInfo; data: WasmData } {
    const data = this.allocData(shapeSize(shape), dtype);
    return { info: { dataId: data, shape: [...shape], dtype }, data };
  }

  data(dataId: DataId): WasmData {
    if (!(dataId instanceof WasmData) || dataId.disposed) {
      throw new StateError('wasm: read of data that was disposed or never written on this backend');
    }
    return dataId;
  }

  /** Byte offset of a tensor's storage. */
  ptr(info: TensorInfo): number {
    return this.data(info.dataId).ptr;
  }

  /** A live view of a tensor's storage: valid only until the next allocation (memory growth replaces it). */
  view(dataId: DataId): Float32Array | Int32Array {
    const data = this.data(dataId);
    const whole = data.dtype === 'int32' ? this.heap.i32 : this.heap.f32;
    return whole.subarray(data.ptr >>> 2, (data.ptr >>> 2) + data.length);
  }

  /** Runs `fn` with a temporary workspace of `bytes` (not tensor data, so not counted), freed afterwards. */
  withTemp<R>(bytes: number, fn: (ptr: number) => R): R {
    const ptr = this.heap.alloc(bytes);
    try {
      return fn(ptr);
    } finally {
      this.heap.release(ptr, bytes);
    }
  }

  /** The GEMM's packing buffers (+ a 4x8 edge tile) of one lane (thread), allocated once and kept. */
  gemmScratch(lane = 0): number {
    let ptr = this.gemmScratchPtrs[lane];
    if (ptr === undefined) {
      ptr = this.heap.alloc((this.exports.gemmScratchFloats() + 32) * 4);
      this.gemmScratchPtrs[lane] = ptr;
    }
    return ptr;
  }
}

function shapeSize(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Creates a backend over a fresh memory (shared when SharedArrayBuffer is available). */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const shared = !options.unshared && sharedMemoryAvailable();
  const initial = Math.max(1, Math.ceil(((options.initialMiB ?? 64) * 1024 * 1024) / 65536));
  const memory = new WebAssembly.Memory({ initial, maximum: 65536, shared });
  const simd = resolveSimd(options.simd);
  const { exports, module } = await instantiate(memory, shared, simd);
  return new WasmBackend(exports, new WasmHeap(memory, exports.heapBase()), shared, module, simd);
}
