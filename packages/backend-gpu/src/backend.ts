/**
 * The 'gpu' backend: tensors live in gpu.js pipeline textures (GL modes) and move between kernels without
 * leaving the device; only readSync/read bring them back. int32 tensors are stored as float32 on the device
 * (GLSL ES 1.0 has no integer textures): exact for |values| <= 2^24, which covers labels and indices.
 */
import {
  type Backend,
  type DataId,
  type DType,
  type KernelMap,
  type Shape,
  StateError,
  shapeUtil,
  type TensorInfo,
  type TypedArray,
} from '@nn/tensor';
import { Device, type DeviceStats } from './device';
import { GPU_MODES, type GpuMode, modeSupported, SYNC_MODES, webGpuAvailable } from './gpujs';
import { gpuKernels } from './kernels';

/** One block of tensor storage; the object itself is the DataId the engine holds. */
export class GpuData {
  /** The device copy (texture), made on first use by a kernel. */
  device: ReturnType<Device['upload']> | null = null;
  /** The host copy: what was written, or what the first read brought back. */
  host: TypedArray | null = null;
  disposed = false;
  constructor(
    readonly size: number,
    readonly dtype: DType,
  ) {}
}

export interface GpuBackendOptions {
  /** The gpu.js mode; default: $NN_GPU_MODE, else the best one present (see `pickGpuMode`). */
  mode?: GpuMode;
}

export class GpuBackend implements Backend {
  readonly name: string = 'gpu';
  readonly kernels: KernelMap = gpuKernels;
  private readonly live = new Set<GpuData>();

  constructor(readonly device: Device) {}

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
      if (data.device === null) throw new StateError('gpu backend: data has neither a host nor a device copy');
      const values = this.device.download(data.device, data.size);
      data.host = data.dtype === 'float32' ? values : toDType(values, data.dtype);
    }
    return data.host;
  }

  read(dataId: DataId): Promise<TypedArray> {
    try {
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
    dataId.host = null;
    this.live.delete(dataId);
  }

  numDataIds(): number {
    return this.live.size;
  }

  /** Device counters: live textures, compiled kernels, launches, uploads, readbacks. */
  stats(): DeviceStats {
    return this.device.getStats();
  }

  dispose(): void {
    for (const data of [...this.live]) this.disposeData(data);
    this.device.destroy();
  }

  // ---- used by the kernels --------------------------------------------------------------------

  /**
   * Runs kernel `source` (see codegen.ts) over `inputs`, producing a new tensor of `shape` and `dtype`
   * that stays on the device.
   */
  compute(source: string, shape: Shape, dtype: DType, inputs: readonly TensorInfo[]): TensorInfo {
    const size = shapeUtil.sizeOf(shape);
    const data = this.track(new GpuData(size, dtype));
    if (size === 0) data.host = toDType(new Float32Array(0), dtype);
    else {
      const args = inputs.map((t) => this.deviceArray(t));
      const sizes = inputs.map((t) => this.get(t.dataId, 'compute').size);
      data.device = this.device.run(source, size, args, sizes);
    }
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

function toDType(values: Float32Array, dtype: DType): TypedArray {
  if (dtype === 'float32') return values;
  if (dtype === 'float64') return Float64Array.from(values);
  const out = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = Math.round(values[k]!);
  return out;
}

/** The mode to use: `requested`, else $NN_GPU_MODE, else the best synchronous mode gpu.js supports here. */
export function pickGpuMode(requested?: GpuMode): GpuMode {
  const fromEnv = typeof process === 'undefined' ? undefined : process.env?.NN_GPU_MODE;
  const wanted = requested ?? (fromEnv ? parseMode(fromEnv) : undefined);
  if (wanted !== undefined) {
    if (!SYNC_MODES.includes(wanted)) {
      throw new StateError(
        `gpu backend: mode '${wanted}' returns Promises from every kernel, which the synchronous kernel contract cannot use yet`,
      );
    }
    if (!modeSupported(wanted)) throw new StateError(`gpu backend: gpu.js mode '${wanted}' is not available here`);
    return wanted;
  }
  const best = SYNC_MODES.find((m) => modeSupported(m));
  return best ?? 'cpu';
}

function parseMode(text: string): GpuMode {
  const mode = GPU_MODES.find((m) => m === text);
  if (mode === undefined) throw new StateError(`NN_GPU_MODE='${text}': expected one of ${GPU_MODES.join(', ')}`);
  return mode;
}

/**
 * Makes a backend in `options.mode` (or the best mode present).
 * @example const backend = createGpuBackend({ mode: 'headlessgl' }); backend.gpuMode(); // 'headlessgl'
 */
export function createGpuBackend(options: GpuBackendOptions = {}): GpuBackend {
  return new GpuBackend(new Device(pickGpuMode(options.mode)));
}

/** True when a WebGPU adapter answers here (the backend does not run in webgpu mode yet; see README). */
export { webGpuAvailable };
