/**
 * The asynchronous pipeline behind webgpu mode. gpu.js's webgpu kernels return a Promise of their output (a
 * storage buffer handle), while the kernel contract is synchronous: so a kernel here returns its TensorInfo at
 * once, and its data holds a Promise of the buffer, chained on its inputs' Promises
 * (`Promise.all(inputs).then((buffers) => kernel(...buffers))`). Submissions follow the data dependencies, and
 * every output is a fresh buffer (immutable kernels), so nothing is overwritten while a later kernel may read it.
 *
 * `read` awaits the chain; a synchronous read only works where a host copy exists (values written from
 * JavaScript, or already read once). Errors anywhere in a chain reject every Promise downstream and surface on
 * `read`. A buffer is freed once its tensor is disposed, its Promise has settled and no launched-but-unsubmitted
 * kernel still needs it.
 */
import type { DType, TypedArray } from '@nn/tensor';
import type { DeviceStats } from './device';
import { toDType, toFloat32 } from './dtype';
import { type AsyncRawKernel, type GpuJs, type RawBuffer, readBuffer } from './gpujs';
import { type CacheEntry, KernelCache } from './kernel-cache';

const UPLOAD_SOURCE = 'function (a0) {\nreturn a0[this.thread.x];\n}';

/** The device side of one tensor in webgpu mode: a Promise of its buffer and what keeps the buffer alive. */
export class PendingBuffer {
  /** The buffer, once the Promise resolved (null while pending, or when the chain failed). */
  raw: RawBuffer | null = null;
  settled = false;
  /** Its tensor was disposed: free the buffer once nothing needs it any more. */
  disposed = false;
  released = false;
  /** Kernels and readbacks started on this buffer that have not finished with it yet. */
  users = 0;
  constructor(
    readonly promise: Promise<RawBuffer>,
    /** The cached kernel that makes the buffer: pinned (not evicted) until the buffer is freed. */
    readonly maker: CacheEntry<AsyncRawKernel>,
  ) {}
}

/** What the pipeline needs of a tensor's storage (GpuData in backend.ts). */
export interface PipelineRecord {
  readonly size: number;
  readonly dtype: DType;
  host: TypedArray | null;
  disposed: boolean;
  pending: PendingBuffer | null;
}

export class AsyncPipeline {
  private readonly cache: KernelCache<AsyncRawKernel>;
  private readonly stats = { liveArrays: 0, launches: 0, uploads: 0, downloads: 0 };
  /** Stands in for a size-0 input, which a kernel never reads but gpu.js must still be given. */
  private dummy: PendingBuffer | null = null;

  constructor(
    private readonly gpu: GpuJs,
    maxCachedKernels?: number,
  ) {
    this.cache = new KernelCache(maxCachedKernels);
  }

  /** Queues kernel `source` over `inputs` and `uniforms` into `out` (size > 0); returns at once. */
  compute(
    out: PipelineRecord,
    source: string,
    inputs: readonly PipelineRecord[],
    uniforms: readonly number[] = [],
  ): void {
    // Inputs first: uploading one compiles an upload kernel, which must not evict this kernel before it is pinned.
    const used = inputs.map((r) => this.bufferOf(r));
    const kernel = this.kernel(
      source,
      out.size,
      inputs.map((r) => Math.max(r.size, 1)),
    );
    for (const p of used) p.users++;
    this.stats.launches++;
    const promise = Promise.all(used.map((p) => p.promise)).then((buffers) =>
      kernel.kernel.run([...buffers, ...uniforms]),
    );
    out.pending = this.track(promise, used, kernel);
  }

  /**
   * Queues a host computation: once `inputs` are read back, `run` makes the output values on the host, which are
   * uploaded into `out`. For the few kernels with no shader form (see kernels/host.ts).
   */
  computeOnHost(
    out: PipelineRecord,
    inputs: readonly PipelineRecord[],
    run: (values: TypedArray[]) => TypedArray,
  ): void {
    const upload = this.kernel(UPLOAD_SOURCE, Math.max(out.size, 1), [Math.max(out.size, 1)]);
    const promise = Promise.all(inputs.map((r) => this.read(r))).then((values) => {
      this.stats.uploads++;
      return upload.kernel.run([toFloat32(run(values))]);
    });
    out.pending = this.track(promise, [], upload);
  }

  /** The values of `record`: its host copy, else its buffer read back once the chain behind it has run. */
  async read(record: PipelineRecord): Promise<TypedArray> {
    if (record.host !== null) return record.host;
    const pending = record.pending;
    if (pending === null) throw new Error('gpu backend (webgpu): data has neither a host nor a device copy');
    pending.users++;
    try {
      const raw = await pending.promise;
      this.stats.downloads++;
      const values = toDType(await readBuffer(raw, record.size), record.dtype);
      if (!record.disposed) record.host = values;
      return values;
    } finally {
      pending.users--;
      this.maybeRelease(pending);
    }
  }

  /** Frees the buffer behind a disposed record as soon as nothing needs it. */
  dispose(record: PipelineRecord): void {
    const pending = record.pending;
    record.pending = null;
    if (pending === null) return;
    pending.disposed = true;
    this.maybeRelease(pending);
  }

  getStats(): DeviceStats {
    return {
      ...this.stats,
      compiledKernels: this.cache.compiled,
      evictedKernels: this.cache.evicted,
      cachedKernels: this.cache.size,
      // Not estimated: what gpu.js's webgpu kernels keep between calls is not known here.
      kernelBytes: 0,
    };
  }

  destroy(): void {
    this.cache.clear();
  }

  /** The device copy of an input, uploading host values on first use. */
  private bufferOf(record: PipelineRecord): PendingBuffer {
    if (record.size === 0) {
      if (this.dummy === null) this.dummy = this.upload(new Float32Array(1));
      return this.dummy;
    }
    if (record.pending === null) {
      if (record.host === null)
        throw new Error('gpu backend (webgpu): kernel input has neither a host nor a device copy');
      record.pending = this.upload(toFloat32(record.host));
    }
    return record.pending;
  }

  private upload(values: Float32Array): PendingBuffer {
    this.stats.uploads++;
    const upload = this.kernel(UPLOAD_SOURCE, values.length, [values.length]);
    // The kernel copies `values` into its argument buffer synchronously, inside this call.
    return this.track(upload.kernel.run([values]), [], upload);
  }

  private track(
    promise: Promise<RawBuffer>,
    used: readonly PendingBuffer[],
    maker: CacheEntry<AsyncRawKernel>,
  ): PendingBuffer {
    const pending = new PendingBuffer(promise, maker);
    this.cache.pin(maker);
    const settle = (): void => {
      pending.settled = true;
      for (const input of used) {
        input.users--;
        this.maybeRelease(input);
      }
      this.maybeRelease(pending);
    };
    // Handles the rejection here (it resurfaces on read), so a failed chain nobody reads is not reported as
    // an unhandled rejection.
    promise.then((raw) => {
      pending.raw = raw;
      this.stats.liveArrays++;
      settle();
    }, settle);
    return pending;
  }

  private maybeRelease(pending: PendingBuffer): void {
    if (!pending.disposed || !pending.settled || pending.users > 0 || pending.released) return;
    pending.released = true;
    if (pending.raw !== null) {
      pending.raw.delete();
      pending.raw = null;
      this.stats.liveArrays--;
    }
    this.cache.unpin(pending.maker);
  }

  private kernel(source: string, size: number, argSizes: readonly number[]): CacheEntry<AsyncRawKernel> {
    return this.cache.get(`${size}|${argSizes.join(',')}|${source}`, () => this.gpu.compileAsync(source, size));
  }
}
