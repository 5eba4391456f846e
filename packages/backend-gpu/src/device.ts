/**
 * The device: one gpu.js instance in one mode, a cache of compiled kernels, and the count of device
 * arrays (textures in the GL modes) alive. Textures come back from gpu.js as clones of the kernel's output
 * texture: deleting one hands it back to the kernel that made it, whose next call of the same size renders
 * into it again, so steady-state training allocates no new textures (a pool keyed by kernel and size).
 */
import { GpuJs, type GpuMode, isTexture, type RawKernel, type RawOutput, readRaw } from './gpujs';

const UPLOAD_SOURCE = 'function (a0) {\nreturn a0[this.thread.x];\n}';

export interface DeviceStats {
  /** Device arrays (textures / buffers) the backend holds right now. */
  liveArrays: number;
  /** Kernels compiled so far (each holds one output texture of its size). */
  compiledKernels: number;
  /** Kernel launches, uploads and readbacks since the device was made. */
  launches: number;
  uploads: number;
  downloads: number;
}

export class Device {
  private readonly gpu: GpuJs;
  private readonly cache = new Map<string, RawKernel>();
  private readonly stats: DeviceStats = { liveArrays: 0, compiledKernels: 0, launches: 0, uploads: 0, downloads: 0 };
  /** Stands in for a size-0 input, which a kernel never reads but gpu.js must still be given. */
  private dummyArray: RawOutput | null = null;

  constructor(readonly mode: GpuMode) {
    this.gpu = new GpuJs(mode);
  }

  /** The gpu.js instance (webgpu mode compiles its own asynchronous kernels on it; see webgpu.ts). */
  get gpuJs(): GpuJs {
    return this.gpu;
  }

  /** Values kept in device memory between kernels (GL textures); webasm/cpu keep plain arrays. */
  get onDevice(): boolean {
    return this.mode !== 'webasm' && this.mode !== 'cpu';
  }

  private kernel(source: string, size: number, argSizes: readonly number[]): RawKernel {
    const key = `${size}|${argSizes.join(',')}|${source}`;
    let kernel = this.cache.get(key);
    if (!kernel) {
      kernel = this.gpu.compile(source, size);
      this.cache.set(key, kernel);
      this.stats.compiledKernels++;
    }
    return kernel;
  }

  /** Copies `values` to the device. */
  upload(values: Float32Array): RawOutput {
    this.stats.uploads++;
    this.stats.liveArrays++;
    if (!this.onDevice) return values.slice();
    return this.kernel(UPLOAD_SOURCE, values.length, [values.length]).run([values]);
  }

  /** Runs a kernel whose output has `size` values (size > 0). */
  run(source: string, size: number, args: readonly (RawOutput | null)[], argSizes: readonly number[]): RawOutput {
    const resolved = args.map((a) => a ?? this.dummy());
    const sizes = argSizes.map((s) => Math.max(s, 1));
    const out = this.kernel(source, size, sizes).run(resolved);
    this.stats.launches++;
    this.stats.liveArrays++;
    return out;
  }

  download(array: RawOutput, size: number): Float32Array {
    this.stats.downloads++;
    return readRaw(array, size);
  }

  release(array: RawOutput): void {
    this.stats.liveArrays--;
    if (isTexture(array)) array.delete();
  }

  private dummy(): RawOutput {
    if (this.dummyArray === null) {
      const values = new Float32Array(1);
      this.dummyArray = this.onDevice ? this.kernel(UPLOAD_SOURCE, 1, [1]).run([values]) : values;
    }
    return this.dummyArray;
  }

  getStats(): DeviceStats {
    return { ...this.stats };
  }

  destroy(): void {
    for (const kernel of this.cache.values()) kernel.destroy();
    this.cache.clear();
    this.gpu.destroy();
  }
}
