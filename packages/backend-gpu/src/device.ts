/**
 * The device: one gpu.js instance in one mode, a bounded cache of compiled kernels (kernel-cache.ts), and the count of
 * device arrays (textures in the GL modes) alive. Textures come back from gpu.js as clones of the kernel's output
 * texture: deleting one hands it back to the kernel that made it, whose next call of the same size renders into it
 * again, so steady-state training allocates no new textures (a pool keyed by kernel and size). A kernel is pinned in
 * the cache while a texture it returned is alive, since destroying a GL kernel deletes its textures.
 */
import { GpuJs, type GpuMode, isTexture, type RawKernel, type RawOutput, readRaw } from './gpujs';
import { type CacheEntry, KernelCache } from './kernel-cache';

const UPLOAD_SOURCE = 'function (a0) {\nreturn a0[this.thread.x];\n}';

/** What the gpu backend holds on the device right now (for leak checks). */
export interface DeviceStats {
  /** Device arrays (textures / buffers) the backend holds right now. */
  liveArrays: number;
  /** Kernels compiled so far, and destroyed again to keep the cache within its capacity. */
  compiledKernels: number;
  evictedKernels: number;
  /** Compiled kernels held now, and an estimate of the memory they keep between calls (see `Device.kernelBytes`). */
  cachedKernels: number;
  kernelBytes: number;
  /** Kernel launches, uploads and readbacks since the device was made. */
  launches: number;
  uploads: number;
  downloads: number;
}

export class Device {
  private readonly gpu: GpuJs;
  private readonly cache: KernelCache<RawKernel>;
  /** GL modes: the cache entry of the kernel each live texture came from (pinned while the texture lives). */
  private readonly owners = new Map<RawOutput, CacheEntry<RawKernel>>();
  private readonly stats = { liveArrays: 0, launches: 0, uploads: 0, downloads: 0 };
  /** Stands in for a size-0 input, which a kernel never reads but gpu.js must still be given. */
  private dummyArray: RawOutput | null = null;

  constructor(
    readonly mode: GpuMode,
    maxCachedKernels?: number,
  ) {
    this.cache = new KernelCache(maxCachedKernels);
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

  private kernel(source: string, size: number, argSizes: readonly number[]): CacheEntry<RawKernel> {
    const key = `${size}|${argSizes.join(',')}|${source}`;
    return this.cache.get(key, () => this.gpu.compile(source, size), this.kernelBytes(source, size, argSizes));
  }

  /**
   * What a compiled kernel keeps between calls, estimated from its sizes (gpu.js does not report it): in the GL modes
   * its output texture, plus, for the upload kernel, the texture its host argument is copied into (one value per
   * texel, see `bytesOf`); in webasm one WebAssembly memory holding every argument and the output, with 16 pages
   * (1 MiB) of headroom; in cpu mode nothing (outputs are fresh arrays).
   */
  private kernelBytes(source: string, size: number, argSizes: readonly number[]): number {
    if (this.mode === 'cpu') return 0;
    if (this.mode === 'webasm') return 4 * argSizes.reduce((sum, n) => sum + n, size) + 16 * 65_536;
    return (source === UPLOAD_SOURCE ? 2 * size : size) * this.bytesPerTexel;
  }

  private get bytesPerTexel(): number {
    return this.mode === 'webgl2' ? 4 : 16;
  }

  /** Runs `entry`'s kernel, pinning it while the output lives where the output depends on it. */
  private launch(entry: CacheEntry<RawKernel>, args: Parameters<RawKernel['run']>[0]): RawOutput {
    const out = entry.kernel.run(args);
    if (this.onDevice) {
      this.cache.pin(entry);
      this.owners.set(out, entry);
    }
    return out;
  }

  /** Copies `values` to the device. */
  upload(values: Float32Array): RawOutput {
    this.stats.uploads++;
    this.stats.liveArrays++;
    if (!this.onDevice) return values.slice();
    return this.launch(this.kernel(UPLOAD_SOURCE, values.length, [values.length]), [values]);
  }

  /** Runs a kernel whose output has `size` values (size > 0); `uniforms` follow the arrays (see `kernelSource`). */
  run(
    source: string,
    size: number,
    args: readonly (RawOutput | null)[],
    argSizes: readonly number[],
    uniforms: readonly number[] = [],
  ): RawOutput {
    const resolved = args.map((a) => a ?? this.dummy());
    const sizes = argSizes.map((s) => Math.max(s, 1));
    const out = this.launch(this.kernel(source, size, sizes), [...resolved, ...uniforms]);
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
    const owner = this.owners.get(array);
    if (owner !== undefined) {
      this.owners.delete(array);
      this.cache.unpin(owner);
    }
  }

  /**
   * Bytes `array` occupies: its length in webasm/cpu; in the GL modes its whole texture (gpu.js lays a 1-D output out
   * in a 2-D texture, one value per texel: R32F under WebGL2, RGBA float elsewhere).
   */
  bytesOf(array: RawOutput): number {
    if (!isTexture(array)) return array.byteLength;
    const [width = 0, height = 1] = array.size ?? [];
    return width * height * this.bytesPerTexel;
  }

  private dummy(): RawOutput {
    if (this.dummyArray === null) {
      const values = new Float32Array(1);
      // Never released: in the GL modes it keeps the size-1 upload kernel pinned, as its texture needs.
      this.dummyArray = this.onDevice ? this.launch(this.kernel(UPLOAD_SOURCE, 1, [1]), [values]) : values;
    }
    return this.dummyArray;
  }

  getStats(): DeviceStats {
    return {
      ...this.stats,
      compiledKernels: this.cache.compiled,
      evictedKernels: this.cache.evicted,
      cachedKernels: this.cache.size,
      kernelBytes: this.cache.bytes,
    };
  }

  destroy(): void {
    this.cache.clear();
    this.owners.clear();
    this.gpu.destroy();
  }
}
