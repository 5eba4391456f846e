/**
 * The backend registry: which backends exist, their priorities, which one is active, the always-present CPU
 * backend that missing kernels and unsupported dtypes fall back to, and the count of every kernel call, native or
 * fallback, that `kernelCoverage()` reports. The engine owns one and asks it `active()` before every kernel.
 */
import type { Backend, NotImplemented } from './backend/interface';
import { CpuBackend } from './backends/cpu/backend';
import { NNError, StateError } from './errors';
import { KERNEL_NAMES, type KernelName } from './kernels/contract';

/** Creates a backend (possibly asynchronously): what `registerBackend` takes. */
export type BackendFactory = () => Backend | Promise<Backend>;

/** What `getBackend()` returns: the active backend and what it covers. */
export interface BackendInfo {
  readonly name: string;
  readonly backend: Backend;
  /** The variant the backend runs as, where it has several (the gpu backend: its gpu.js mode). */
  readonly mode?: string;
  floatPrecision(): 32 | 64;
  /** Which kernels run natively and which fall back to the CPU kernels (with call counts since the last reset). */
  kernelCoverage(): KernelCoverage;
}

/** Which kernels a backend computes itself and which it hands to the reference kernels, with call counts. */
export interface KernelCoverage {
  backend: string;
  /** Kernels it computes itself: in its kernel map and not declared as not implemented as a whole. */
  implemented: KernelName[];
  /** Kernels that run on the CPU kernels: missing from its map, or declared as not implemented as a whole. */
  fallback: KernelName[];
  /** What it declares it does not implement (whole kernels, or some dtypes of one). */
  notImplemented: readonly NotImplemented[];
  /** How many calls since `resetCounts` (or the start) each kernel made on this backend's own code. */
  nativeCalls: Partial<Record<KernelName, number>>;
  /** How many calls each kernel made on the CPU kernels instead: the engine's fallback or a reported host path. */
  fallbackCalls: Partial<Record<KernelName, number>>;
  resetCounts(): void;
}

/** Kernel calls of one backend, native and fallback, by kernel. */
interface CallCounts {
  native: Partial<Record<KernelName, number>>;
  fallback: Partial<Record<KernelName, number>>;
}

/** Whether `backend` declares `kernel` as not implemented as a whole (not just for some dtypes). */
export function declaresWhole(backend: Backend, kernel: KernelName): boolean {
  return (backend.notImplemented ?? []).some((entry) => entry === kernel);
}

interface Registration {
  factory: BackendFactory;
  priority: number;
}

export class BackendRegistry {
  private readonly registrations = new Map<string, Registration>();
  private readonly instances = new Map<string, Backend>();
  private current: Backend | null = null;
  private cpu: CpuBackend | null = null;
  private readonly calls = new Map<Backend, CallCounts>();

  register(name: string, factory: BackendFactory, priority = 1): void {
    if (typeof factory !== 'function') throw new NNError(`registerBackend: factory for '${name}' must be a function`);
    this.registrations.set(name, { factory, priority });
  }

  remove(name: string): void {
    const instance = this.instances.get(name);
    if (instance && instance === this.current) this.current = null;
    instance?.dispose?.();
    if (instance) this.calls.delete(instance);
    this.instances.delete(name);
    this.registrations.delete(name);
  }

  names(): string[] {
    return [...this.registrations.keys()];
  }

  /** Makes `name` the active backend, initialising it if needed. */
  async select(name: string): Promise<void> {
    this.current = await this.init(name);
  }

  /** Initialises the highest-priority backend that works (for async ones like wasm), and makes it active. */
  async ready(): Promise<BackendInfo> {
    if (!this.current) {
      for (const name of this.byPriority()) {
        try {
          this.current = await this.init(name);
          break;
        } catch {
          // Try the next one: a backend that cannot start here (no GPU, no wasm) is not an error.
        }
      }
    }
    return this.info();
  }

  /** The active backend; before any `select`, the highest-priority one that starts synchronously. */
  active(): Backend {
    if (this.current) return this.current;
    for (const name of this.byPriority()) {
      const existing = this.instances.get(name);
      if (existing) {
        this.current = existing;
        return existing;
      }
      const made = this.registrations.get(name)!.factory();
      if (!(made instanceof Promise)) {
        this.instances.set(name, made);
        this.current = made;
        return made;
      }
      made.then((b) => this.instances.set(name, b)).catch(() => undefined);
    }
    this.current = this.cpuBackend();
    return this.current;
  }

  /** The reference CPU backend: where missing kernels and unsupported dtypes run. */
  cpuBackend(): CpuBackend {
    if (!this.cpu) {
      const existing = this.instances.get('cpu');
      this.cpu = existing instanceof CpuBackend ? existing : new CpuBackend();
      this.instances.set('cpu', this.cpu);
    }
    return this.cpu;
  }

  /** Counts one call of `kernelName` made on `backend`: computed natively, or by the CPU kernels (`fallback`). */
  countCall(backend: Backend, kernelName: KernelName, fallback: boolean): void {
    let counts = this.calls.get(backend);
    if (counts === undefined) {
      counts = { native: {}, fallback: {} };
      this.calls.set(backend, counts);
    }
    const bucket = fallback ? counts.fallback : counts.native;
    bucket[kernelName] = (bucket[kernelName] ?? 0) + 1;
  }

  /** The active backend and its `kernelCoverage()`. */
  info(): BackendInfo {
    const backend = this.active();
    const registry = this;
    return {
      name: backend.name,
      backend,
      ...(backend.mode === undefined ? {} : { mode: backend.mode }),
      floatPrecision: () => backend.floatPrecision(),
      kernelCoverage(): KernelCoverage {
        const native = (k: KernelName) => backend.kernels[k] !== undefined && !declaresWhole(backend, k);
        const counts = registry.calls.get(backend);
        return {
          backend: backend.name,
          implemented: KERNEL_NAMES.filter(native),
          fallback: KERNEL_NAMES.filter((k) => !native(k)),
          notImplemented: [...(backend.notImplemented ?? [])],
          nativeCalls: { ...counts?.native },
          fallbackCalls: { ...counts?.fallback },
          resetCounts: () => {
            registry.calls.delete(backend);
          },
        };
      },
    };
  }

  private byPriority(): string[] {
    return [...this.registrations.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([name]) => name);
  }

  private async init(name: string): Promise<Backend> {
    const existing = this.instances.get(name);
    if (existing) return existing;
    const registration = this.registrations.get(name);
    if (!registration) {
      throw new StateError(`setBackend: no backend named '${name}' (registered: ${this.names().join(', ')})`);
    }
    const backend = await registration.factory();
    this.instances.set(name, backend);
    if (name === 'cpu' && backend instanceof CpuBackend) this.cpu = backend;
    return backend;
  }
}
