/**
 * Compiled kernels by key (output size, argument sizes, source), at most `capacity` of them. Without a bound every new
 * shape (a last partial batch, a new sequence length) would keep its kernel forever, and each holds real memory: its
 * output texture in the GL modes, a WebAssembly memory sized to all its arguments in webasm. Past the capacity the
 * least recently used kernel is destroyed, unless it is pinned: in the GL modes a kernel's output textures die with
 * it, so the device pins a kernel for as long as any output it returned is alive.
 */
import { ValueError } from '@nn/tensor';

/** What the cache needs of a compiled kernel. */
export interface Destroyable {
  destroy(): void;
}

/** One cached kernel, the memory it keeps between calls (an estimate), and how many live outputs still need it. */
export class CacheEntry<K extends Destroyable> {
  pins = 0;
  constructor(
    readonly key: string,
    readonly kernel: K,
    readonly bytes: number,
  ) {}
}

/** Default capacity: a LeNet-5 training and evaluation loop uses ~120 kernels. */
export const DEFAULT_MAX_CACHED_KERNELS = 512;

export class KernelCache<K extends Destroyable> {
  /** In least recently used order: a hit moves its entry to the end. */
  private readonly entries = new Map<string, CacheEntry<K>>();
  /** Kernels compiled and destroyed (evicted) since the cache was made. */
  compiled = 0;
  evicted = 0;
  /** The sum of the cached kernels' `bytes`. */
  bytes = 0;

  constructor(readonly capacity: number = DEFAULT_MAX_CACHED_KERNELS) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new ValueError(`createGpuBackend: maxCachedKernels must be an integer >= 1, got ${capacity}`);
    }
  }

  /**
   * The kernel for `key`, compiled by `compile` on a miss (which may evict older unpinned kernels); `bytes` is what
   * it will keep between calls.
   */
  get(key: string, compile: () => K, bytes = 0): CacheEntry<K> {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const entry = new CacheEntry(key, compile(), bytes);
    this.compiled++;
    this.bytes += bytes;
    this.entries.set(key, entry);
    this.evictOver(entry);
    return entry;
  }

  /** Keeps `entry` from eviction until as many `unpin` calls (one per live output it made). */
  pin(entry: CacheEntry<K>): void {
    entry.pins++;
  }

  /** Releases one pin; a cache that grew past its capacity while kernels were pinned shrinks back now. */
  unpin(entry: CacheEntry<K>): void {
    entry.pins--;
    this.evictOver(null);
  }

  /** Kernels cached now (pinned ones included). */
  get size(): number {
    return this.entries.size;
  }

  /** Destroys every kernel (pinned or not): the device is going away. */
  clear(): void {
    for (const entry of this.entries.values()) entry.kernel.destroy();
    this.entries.clear();
    this.bytes = 0;
  }

  private evictOver(keep: CacheEntry<K> | null): void {
    if (this.entries.size <= this.capacity) return;
    for (const entry of this.entries.values()) {
      if (this.entries.size <= this.capacity) return;
      if (entry === keep || entry.pins > 0) continue;
      this.entries.delete(entry.key);
      entry.kernel.destroy();
      this.evicted++;
      this.bytes -= entry.bytes;
    }
  }
}
