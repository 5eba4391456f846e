/**
 * The 'gpu' backend: tensors live in gpu.js pipeline textures (GL modes) or storage buffers (webgpu) and move
 * between kernels without leaving the device; only readSync/read bring them back. int32 tensors are stored as
 * float32 on the device (GLSL ES 1.0 has no integer textures): exact for |values| <= 2^24, which covers labels and
 * indices. In webgpu mode kernels are queued asynchronously (webgpu.ts) and only `read` can wait for them.
 */
import {
  type Backend,
  type DataId,
  type DType,
  type Shape,
  StateError,
  type TensorInfo,
  type TypedArray,
} from '@nn/tensor';
import { type KernelMap, type NotImplemented, sizeOf } from '@nn/tensor/backend';
import { Device, type DeviceStats } from './device';
import { toDType } from './dtype';
import { ASYNC_MODES, GPU_MODES, type GpuMode, modeSupported, SYNC_MODES, webGpuAvailable } from './gpujs';
import { gpuKernels } from './kernels';
import { GPU_BACKEND } from './kernels/util';
import { warnIfOnCpu } from './mode-warning';
import { GPU_NOT_IMPLEMENTED } from './not-implemented';
import { AsyncPipeline, type PendingBuffer } from './webgpu';

/** One block of tensor storage; the object itself is the DataId the engine holds. */
export class GpuData {
  /** The device copy (texture), made on first use by a kernel. */
  device: ReturnType<Device['upload']> | null = null;
  /** The host copy: what was written, or what the first read brought back. */
  host: TypedArray | null = null;
  /** webgpu mode: the device copy, a Promise of a storage buffer (instead of `device`). */
  pending: PendingBuffer | null = null;
  disposed = false;
  constructor(
    readonly size: number,
    readonly dtype: DType,
  ) {}
}

/** Options of `createGpuBackend`. */
export interface GpuBackendOptions {
  /** The gpu.js mode; default: $NN_GPU_MODE, else the best one present (see `pickGpuMode`). */
  mode?: GpuMode;
  /**
   * How many compiled kernels (one per kernel and shape) to keep; past it the least recently used one that no live
   * tensor needs is destroyed. Default 512.
   */
  maxCachedKernels?: number;
}

/** What the gpu backend holds, beyond the engine's counts: `memory().backend` while it is active. */
export type GpuMemoryInfo = {
  /** Live device arrays: textures in the GL modes, buffers in webgpu, Float32Arrays in webasm/cpu. */
  deviceArrays: number;
  /** Bytes of those arrays (GL: whole textures, see `Device.bytesOf`; webgpu: resolved buffers). */
  deviceBytes: number;
  /** Bytes of host copies: values written from JavaScript (kept after their upload) and values read back. */
  hostBytes: number;
  /** Compiled kernels held in the cache now (bounded by `maxCachedKernels`, plus pinned ones). */
  cachedKernels: number;
  /**
   * Memory those kernels keep between calls, estimated from their sizes (see `Device.kernelBytes`): output textures
   * in the GL modes, WebAssembly memories in webasm; 0 in cpu mode, and in webgpu mode where it is not estimated.
   */
  kernelBytes: number;
};

/** The gpu.js backend: tensors live in textures (WebGL/headless GL) or buffers (WebGPU), kernels are GLSL/WGSL. */
export class GpuBackend implements Backend {
  readonly name: string = 'gpu';
  readonly kernels: KernelMap = gpuKernels;
  /** Calls its kernels do not compute themselves (each entry says why); they run on the reference kernels. */
  readonly notImplemented: readonly NotImplemented[] = GPU_NOT_IMPLEMENTED;
  /** The brand the kernels check (`gpuOf`). */
  readonly [GPU_BACKEND] = true;
  /** The gpu.js mode the kernels run in (also `getBackend().mode` while this backend is active). */
  readonly mode: GpuMode;
  private readonly live = new Set<GpuData>();
  /** The asynchronous kernel queue of webgpu mode; null in the synchronous modes. */
  private readonly pipeline: AsyncPipeline | null;

  constructor(
    readonly device: Device,
    maxCachedKernels?: number,
  ) {
    this.mode = device.mode;
    this.pipeline = ASYNC_MODES.includes(device.mode) ? new AsyncPipeline(device.gpuJs, maxCachedKernels) : null;
  }

  /** The gpu.js mode the kernels run in ('headlessgl', 'webgl2', 'webasm', ...). */
  gpuMode(): GpuMode {
    return this.device.mode;
  }

  floatPrecision(): 32 | 64 {
    return 32;
  }

  /** float64 stays on the CPU backend (the engine falls back for it); int32 is stored as exact floats. */
  supportsDType(dtype: DType): boolean {
    return dtype === 'float32' || dtype === 'int32';
  }

  write(values: TypedArray, _shape: Shape, dtype: DType, owned?: boolean): DataId {
    const data = this.track(new GpuData(values.length, dtype));
    data.host = owned ? values : values.slice();
    return data;
  }

  readSync(dataId: DataId): TypedArray {
    const data = this.get(dataId, 'readSync');
    if (data.host === null) {
      if (this.pipeline !== null) {
        throw new StateError(
          `gpu backend (webgpu): dataSync/readSync of a tensor computed on the device (${data.size} ${data.dtype} values): ` +
            'WebGPU has no synchronous readback; use await data() on the webgpu backend',
        );
      }
      if (data.device === null) throw new StateError('gpu backend: data has neither a host nor a device copy');
      const values = this.device.download(data.device, data.size);
      data.host = data.dtype === 'float32' ? values : toDType(values, data.dtype);
    }
    return data.host;
  }

  read(dataId: DataId): Promise<TypedArray> {
    try {
      if (this.pipeline !== null) return this.pipeline.read(this.get(dataId, 'read'));
      return Promise.resolve(this.readSync(dataId));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  disposeData(dataId: DataId): void {
    if (!(dataId instanceof GpuData) || dataId.disposed) return;
    dataId.disposed = true;
    if (dataId.device !== null) this.device.release(dataId.device);
    dataId.device = null;
    this.pipeline?.dispose(dataId);
    dataId.host = null;
    this.live.delete(dataId);
  }

  numDataIds(): number {
    return this.live.size;
  }

  /** Device counters: live textures, compiled kernels, launches, uploads, readbacks. */
  stats(): DeviceStats {
    return this.pipeline?.getStats() ?? this.device.getStats();
  }

  /** What this backend holds now (the engine reports it as `memory().backend`). */
  memory(): GpuMemoryInfo {
    let deviceBytes = 0;
    let hostBytes = 0;
    for (const data of this.live) {
      // In webasm/cpu a float32 readback is the device array itself: count it once.
      if (data.host !== null && data.host !== data.device) hostBytes += data.host.byteLength;
      if (data.device !== null) deviceBytes += this.device.bytesOf(data.device);
      if (data.pending?.raw) deviceBytes += data.size * 4;
    }
    const { liveArrays: deviceArrays, cachedKernels, kernelBytes } = this.stats();
    return { deviceArrays, deviceBytes, hostBytes, cachedKernels, kernelBytes };
  }

  dispose(): void {
    for (const data of [...this.live]) this.disposeData(data);
    this.pipeline?.destroy();
    this.device.destroy();
  }

  // ---- used by the kernels --------------------------------------------------------------------

  /**
   * Runs kernel `source` (see codegen.ts) over `inputs` and the float `uniforms` (its u0, u1, ...), producing a new
   * tensor of `shape` and `dtype` that stays on the device.
   */
  compute(
    source: string,
    shape: Shape,
    dtype: DType,
    inputs: readonly TensorInfo[],
    uniforms: readonly number[] = [],
  ): TensorInfo {
    const size = sizeOf(shape);
    const data = this.track(new GpuData(size, dtype));
    if (size === 0) data.host = toDType(new Float32Array(0), dtype);
    else if (this.pipeline !== null) {
      const records = inputs.map((t) => this.get(t.dataId, 'compute'));
      this.pipeline.compute(data, source, records, uniforms);
    } else {
      const args = inputs.map((t) => this.deviceArray(t));
      const sizes = inputs.map((t) => this.get(t.dataId, 'compute').size);
      data.device = this.device.run(source, size, args, sizes, uniforms);
    }
    return { dataId: data, shape, dtype };
  }

  /**
   * A new tensor of `shape` and `dtype` whose values `run` computes on the host from the values of `inputs` (the
   * documented host shortcut). Synchronous modes run it now; webgpu queues it after the inputs are read back.
   */
  computeOnHost(
    inputs: readonly TensorInfo[],
    shape: Shape,
    dtype: DType,
    run: (values: TypedArray[]) => TypedArray,
  ): TensorInfo {
    const records = inputs.map((t) => this.get(t.dataId, 'host kernel'));
    if (this.pipeline === null || records.every((r) => r.host !== null)) {
      return this.fromHost(run(inputs.map((t) => this.readSync(t.dataId))), shape, dtype);
    }
    const data = this.track(new GpuData(sizeOf(shape), dtype));
    if (data.size === 0) data.host = toDType(new Float32Array(0), dtype);
    else this.pipeline.computeOnHost(data, records, run);
    return { dataId: data, shape, dtype };
  }

  /** A new tensor from host values (for results computed on the host, e.g. casts to float64). */
  fromHost(values: TypedArray, shape: Shape, dtype: DType): TensorInfo {
    return { dataId: this.write(values, shape, dtype, true), shape, dtype };
  }

  private deviceArray(info: TensorInfo): ReturnType<Device['upload']> | null {
    const data = this.get(info.dataId, 'kernel input');
    if (data.device === null && data.size > 0) {
      const host = data.host!;
      data.device = this.device.upload(host instanceof Float32Array ? host : Float32Array.from(host));
    }
    // Size-0 inputs are never read: Device substitutes a dummy array for them.
    return data.device;
  }

  private track(data: GpuData): GpuData {
    this.live.add(data);
    return data;
  }

  private get(dataId: DataId, what: string): GpuData {
    if (!(dataId instanceof GpuData)) throw new StateError(`gpu backend: ${what}: data id is not from this backend`);
    if (dataId.disposed) throw new StateError(`gpu backend: ${what}: data was disposed`);
    return dataId;
  }
}

/**
 * The mode to use: `requested`, else $NN_GPU_MODE, else the best synchronous mode gpu.js supports here. webgpu is
 * never picked on its own: its tensors cannot be read synchronously (dataSync, item, toArray), which much code does.
 */
export function pickGpuMode(requested?: GpuMode): GpuMode {
  return chooseGpuMode(requested).mode;
}

/** `pickGpuMode`, and whether the mode was asked for (an option, $NN_GPU_MODE) or picked as the best present. */
function chooseGpuMode(requested?: GpuMode): { mode: GpuMode; picked: boolean } {
  const fromEnv = typeof process === 'undefined' ? undefined : process.env?.NN_GPU_MODE;
  const wanted = requested ?? (fromEnv ? parseMode(fromEnv) : undefined);
  if (wanted !== undefined) {
    if (!modeSupported(wanted)) throw new StateError(`gpu backend: gpu.js mode '${wanted}' is not available here`);
    return { mode: wanted, picked: false };
  }
  return { mode: SYNC_MODES.find((m) => modeSupported(m)) ?? 'cpu', picked: true };
}

function parseMode(text: string): GpuMode {
  const mode = GPU_MODES.find((m) => m === text);
  if (mode === undefined) throw new StateError(`NN_GPU_MODE='${text}': expected one of ${GPU_MODES.join(', ')}`);
  return mode;
}

/**
 * Makes a backend in `options.mode` (or the best mode present; warns once when that one runs on the CPU).
 * @example const backend = createGpuBackend({ mode: 'headlessgl' }); backend.mode; // 'headlessgl'
 */
export function createGpuBackend(options: GpuBackendOptions = {}): GpuBackend {
  const { mode, picked } = chooseGpuMode(options.mode);
  if (picked) warnIfOnCpu(mode);
  return new GpuBackend(new Device(mode, options.maxCachedKernels), options.maxCachedKernels);
}

/** True when a WebGPU adapter answers here (then `createGpuBackend({ mode: 'webgpu' })` can run; see README). */
export { webGpuAvailable };
