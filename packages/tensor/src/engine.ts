/**
 * The engine: the one place kernels run, memory accounting, `tidy` scopes, and the hook the autograd tape
 * listens on. `@nn/tensor` knows nothing of gradients: a recorder just sees every kernel that ran, its
 * inputs, attributes and output. Which backends exist and which one is active is `backend-registry.ts`.
 *
 * A kernel call is: the spec infers the outputs (validating the inputs), the engine picks the active backend's
 * kernel or the CPU fallback, runs it with the resolved outputs, and records whether it ran natively.
 */
import type { Backend } from './backend/interface';
import { type BackendFactory, type BackendInfo, BackendRegistry } from './backend-registry';
import type { CpuBackend } from './backends/cpu/backend';
import { cpuKernels } from './backends/cpu/kernels';
import { NNError } from './errors';
import {
  checkInputNames,
  checkOutputs,
  inputTensors,
  type KernelCall,
  type KernelObserver,
  type KernelRecord,
  type KernelRecorder,
  storable,
} from './kernel-call';
import {
  KERNEL_SPECS,
  type KernelAttrs,
  type KernelInputs,
  type KernelName,
  type MultiOutputKernelName,
  type SingleOutputKernelName,
} from './kernels/contract';
import { collectTensors, type DataHandle, Tensor } from './tensor';
import { bytesPerElement, type DataId, type DType, type Shape, type TensorInfo, type TypedArray } from './types';
import { allocationError, store } from './util/allocate';
import { sizeOf } from './util/shape';

export type { BackendFactory, BackendInfo, KernelCoverage } from './backend-registry';
export type { KernelCall, KernelObserver, KernelRecord, KernelRecorder, KernelTensors } from './kernel-call';

/** What `memory()` reports: live tensors and the bytes they hold. */
export interface MemoryInfo {
  /** Live (not disposed, not collected) tensors. */
  numTensors: number;
  /** Bytes of live tensor data (shared data counted once). */
  numBytes: number;
  /** Blocks of storage held by the active backend. */
  numDataIds: number;
  /** What the active backend reports it holds beyond that (its optional `memory()`), e.g. device bytes. */
  backend?: Readonly<Record<string, number>>;
}

/** Runs kernels on the active backend, tracks tensors and scopes, and records calls for autograd. */
export class Engine {
  private readonly backends = new BackendRegistry();
  private readonly handles = new WeakMap<DataId, DataHandle>();
  private readonly scopes: Set<Tensor>[] = [];
  private readonly recorders: KernelRecorder[] = [];
  private readonly observers: KernelObserver[] = [];
  private recordingPaused = 0;
  /** Set by `reportFallback()` during a kernel call: the backend computed it with the CPU kernels. */
  private fallbackReported = false;
  private nextTensorId = 0;
  private readonly collector =
    typeof FinalizationRegistry === 'undefined'
      ? null
      : new FinalizationRegistry<DataHandle>((handle) => {
          // A tensor the program forgot to dispose was garbage-collected: keep the counts honest.
          this.numTensors--;
          this.release(handle);
        });

  numTensors = 0;
  numBytes = 0;
  /** When on, every kernel is checked to leave exactly its output behind in backend storage. */
  checkLeaks = false;
  /**
   * When on (test mode), every kernel call is checked against its spec: the input names and kinds the caller passed,
   * and the shape and dtype of each output the backend returned.
   */
  checkKernels = false;

  // ---- backends (the registry lives in backend-registry.ts) -------------------------------------

  registerBackend(name: string, factory: BackendFactory, priority = 1): void {
    this.backends.register(name, factory, priority);
  }

  removeBackend(name: string): void {
    this.backends.remove(name);
  }

  registeredBackends(): string[] {
    return this.backends.names();
  }

  /** Makes `name` the active backend, initialising it if needed. */
  setBackend(name: string): Promise<void> {
    return this.backends.select(name);
  }

  /** Initialises the highest-priority backend that works (for async ones like wasm), and makes it active. */
  ready(): Promise<BackendInfo> {
    return this.backends.ready();
  }

  getBackend(): BackendInfo {
    return this.backends.info();
  }

  /** The active backend; before any `setBackend`, the highest-priority one that starts synchronously. */
  backend(): Backend {
    return this.backends.active();
  }

  cpuBackend(): CpuBackend {
    return this.backends.cpuBackend();
  }

  // ---- tensors and storage -------------------------------------------------------------------

  /**
   * Wraps values into a new tensor on the active backend. `owned` hands the array over without a copy. `op` is
   * named if the backend cannot store it.
   */
  makeTensor(values: TypedArray, shape: Shape, dtype: DType, owned = false, op = 'tensor'): Tensor {
    const backend = this.storageFor(dtype);
    const dataId = store(op, backend, values, { shape, dtype }, owned);
    return this.wrap({ dataId, shape, dtype }, backend);
  }

  private storageFor(dtype: DType): Backend {
    const backend = this.backend();
    return backend.supportsDType(dtype) ? backend : this.cpuBackend();
  }

  private wrap(info: TensorInfo, backend: Backend): Tensor {
    let handle = this.handles.get(info.dataId);
    if (handle) handle.refCount++;
    else {
      handle = { dataId: info.dataId, backend, refCount: 1, bytes: sizeOf(info.shape) * bytesPerElement(info.dtype) };
      this.handles.set(info.dataId, handle);
      this.numBytes += handle.bytes;
    }
    return this.track(new Tensor(handle, info.shape, info.dtype, this.nextTensorId++));
  }

  /**
   * Counts a new tensor. Inside `tidy` it joins the innermost scope, which holds it strongly and disposes it
   * at the end unless it escapes, so only escaping tensors (and those made outside any scope) are handed to
   * the garbage collector's registry: registering costs about as much as a small kernel.
   */
  private track(tensor: Tensor): Tensor {
    this.numTensors++;
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.add(tensor);
    else this.collectOnGC(tensor);
    return tensor;
  }

  /** Lets the garbage collector account for `tensor` if the program drops it without disposing it. */
  private collectOnGC(tensor: Tensor): void {
    if (!tensor.isDisposed) this.collector?.register(tensor, tensor.handle, tensor);
  }

  /** Called by Tensor.dispose(). */
  disposeTensor(tensor: Tensor): void {
    this.collector?.unregister(tensor);
    this.numTensors--;
    this.release(tensor.handle);
  }

  /** A second tensor over the same data (no copy), not owned by any tidy scope: the tape saves inputs this way. */
  share(tensor: Tensor): Tensor {
    tensor.throwIfDisposed('share');
    tensor.handle.refCount++;
    const copy = new Tensor(tensor.handle, tensor.shape, tensor.dtype, this.nextTensorId++);
    this.numTensors++;
    this.collectOnGC(copy);
    return copy;
  }

  /** Points `target` at the data of `source` (same shape and dtype), releasing its old data. */
  assign(target: Tensor, source: Tensor): void {
    source.handle.refCount++;
    const old = target.handle;
    target.handle = source.handle;
    // The registration holds the handle to release; a target still owned by a tidy scope has none yet.
    if (this.collector?.unregister(target)) this.collectOnGC(target);
    this.release(old);
  }

  private release(handle: DataHandle): void {
    handle.refCount--;
    if (handle.refCount === 0) {
      handle.backend.disposeData(handle.dataId);
      this.numBytes -= handle.bytes;
    }
  }

  readSync(tensor: Tensor): TypedArray {
    tensor.throwIfDisposed('dataSync');
    return tensor.handle.backend.readSync(tensor.handle.dataId);
  }

  read(tensor: Tensor): Promise<TypedArray> {
    tensor.throwIfDisposed('data');
    return tensor.handle.backend.read(tensor.handle.dataId);
  }

  memory(): MemoryInfo {
    const backend = this.backend();
    const info: MemoryInfo = { numTensors: this.numTensors, numBytes: this.numBytes, numDataIds: backend.numDataIds() };
    if (backend.memory) info.backend = backend.memory();
    return info;
  }

  // ---- scopes ----------------------------------------------------------------------------------

  /** Runs `fn`, then disposes every tensor it created except those it returns. */
  tidy<R>(fn: () => R): R {
    const scope = new Set<Tensor>();
    this.scopes.push(scope);
    let result: R;
    try {
      result = fn();
    } catch (error) {
      this.scopes.pop();
      for (const t of scope) t.dispose();
      throw error;
    }
    this.scopes.pop();
    if (result instanceof Promise) {
      for (const t of scope) t.dispose();
      throw new NNError('tidy: the function returned a Promise; tidy only works with synchronous functions');
    }
    const kept = new Set<Tensor>();
    collectTensors(result, kept);
    const parent = this.scopes[this.scopes.length - 1];
    for (const t of scope) {
      if (!kept.has(t)) t.dispose();
      else if (parent) parent.add(t);
      else this.collectOnGC(t); // it escapes the outermost scope: from now on only GC may find it dropped
    }
    return result;
  }

  /** Takes `tensor` out of every tidy scope, so it survives them. */
  keep<T extends Tensor>(tensor: T): T {
    let owned = false;
    for (const scope of this.scopes) owned = scope.delete(tensor) || owned;
    // A tensor in no scope was registered when it was made (or when it escaped).
    if (owned) this.collectOnGC(tensor);
    return tensor;
  }

  // ---- recording (the autograd hook) ------------------------------------------------------------

  addRecorder(recorder: KernelRecorder): void {
    this.recorders.push(recorder);
  }

  removeRecorder(recorder: KernelRecorder): void {
    const i = this.recorders.lastIndexOf(recorder);
    if (i >= 0) this.recorders.splice(i, 1);
  }

  /** Runs `fn` with recording paused (what `noGrad` does). */
  withoutRecording<R>(fn: () => R): R {
    this.recordingPaused++;
    try {
      return fn();
    } finally {
      this.recordingPaused--;
    }
  }

  isRecording(): boolean {
    return this.recordingPaused === 0 && this.recorders.length > 0;
  }

  /** Calls `observer` after every kernel call (see `KernelCall`). */
  addObserver(observer: KernelObserver): void {
    this.observers.push(observer);
  }

  removeObserver(observer: KernelObserver): void {
    const i = this.observers.lastIndexOf(observer);
    if (i >= 0) this.observers.splice(i, 1);
  }

  // ---- kernels ---------------------------------------------------------------------------------

  /**
   * Runs one kernel on the active backend (or the CPU fallback) and wraps its output.
   * @example engine.runKernel('Add', { a, b }, {}) // a wrong input name does not compile
   */
  runKernel<K extends SingleOutputKernelName>(
    kernelName: K,
    inputs: KernelInputs<K, Tensor>,
    attrs: KernelAttrs<K>,
  ): Tensor {
    const outputs = this.execute(kernelName, inputs, attrs);
    if (outputs.length !== 1) {
      throw new NNError(`runKernel: ${kernelName} has ${outputs.length} outputs; use runKernelMulti`);
    }
    return outputs[0]!;
  }

  /**
   * Runs a multi-output kernel (the fused optimizer updates) and wraps its outputs, in order. Recorders see it
   * with `outputs` set; autograd refuses to differentiate through one (they update state, e.g. optimizer steps).
   */
  runKernelMulti<K extends MultiOutputKernelName>(
    kernelName: K,
    inputs: KernelInputs<K, Tensor>,
    attrs: KernelAttrs<K>,
  ): Tensor[] {
    return this.execute(kernelName, inputs, attrs);
  }

  /** Marks the kernel call in progress as computed by the CPU kernels (see `reportFallback` for backends). */
  reportFallback(): void {
    this.fallbackReported = true;
  }

  private execute<K extends KernelName>(
    kernelName: K,
    inputs: KernelInputs<K, Tensor>,
    attrs: KernelAttrs<K>,
  ): Tensor[] {
    const spec = KERNEL_SPECS[kernelName];
    if (this.checkKernels) checkInputNames(kernelName, spec, inputs);
    const tensors = inputTensors(kernelName, spec, inputs);
    const outputs = spec.infer(inputs, attrs);
    const active = this.backend();
    const nativeKernel = active.kernels[kernelName];
    const useNative = nativeKernel !== undefined && storable(active, tensors, outputs);
    const target = useNative ? active : this.cpuBackend();
    for (const t of tensors) this.moveTo(t, target);

    const kernel = useNative ? nativeKernel : cpuKernels[kernelName];
    const before = this.checkLeaks ? target.numDataIds() : 0;
    this.fallbackReported = false;
    let result: TensorInfo | readonly TensorInfo[];
    try {
      result = kernel({ inputs, attrs, outputs, backend: target });
    } catch (error) {
      throw allocationError(error, spec.op, outputs) ?? error;
    }
    const fallback = !useNative || this.fallbackReported;
    this.fallbackReported = false;
    const infos = Array.isArray(result) ? result : [result as TensorInfo];
    if (infos.length !== spec.outputs) {
      throw new NNError(`${kernelName}: kernel returned ${infos.length} output(s), the contract says ${spec.outputs}`);
    }
    if (this.checkKernels) checkOutputs(kernelName, target, infos, outputs);
    if (this.checkLeaks) this.assertNoLeak(kernelName, target, before, infos);
    this.backends.countCall(active, kernelName, fallback);
    const wrapped = infos.map((info) => this.wrap(info, target));
    if (this.observers.length > 0) {
      const call: KernelCall = { kernelName, backend: active, fallback, inputs: tensors, attrs };
      for (const observer of this.observers) observer(call);
    }
    if (this.isRecording()) {
      const entry: KernelRecord = { kernelName, inputs, attrs, output: wrapped[0]!, outputs: wrapped };
      for (const recorder of this.recorders) recorder.record(entry);
    }
    return wrapped;
  }

  /** The kernel left exactly its new outputs behind: one data id per output not already wrapped. */
  private assertNoLeak(kernelName: KernelName, backend: Backend, before: number, outs: readonly TensorInfo[]): void {
    const fresh = new Set(outs.map((o) => o.dataId).filter((id) => !this.handles.has(id)));
    const expected = before + fresh.size;
    const after = backend.numDataIds();
    if (after !== expected) {
      throw new NNError(`${kernelName}: kernel leaked ${after - expected} data id(s) on backend '${backend.name}'`);
    }
  }

  /** Moves a tensor's data to `backend` (when it was made on another one), in place for every sharer. */
  private moveTo(tensor: Tensor, backend: Backend): void {
    const handle = tensor.handle;
    if (handle.backend === backend) return;
    const values = handle.backend.readSync(handle.dataId);
    const dataId = store('fallback', backend, values, tensor, false);
    handle.backend.disposeData(handle.dataId);
    this.handles.delete(handle.dataId);
    handle.dataId = dataId;
    handle.backend = backend;
    this.handles.set(dataId, handle);
  }
}

/** The process-wide engine. The CPU backend is always registered, with the lowest priority. */
export const engine = new Engine();
engine.registerBackend('cpu', () => engine.cpuBackend(), 1);
