/**
 * The backend registry: which backends exist, their priorities, which one is active, the always-present CPU
 * backend that missing kernels and unsupported dtypes fall back to, and the bookkeeping of those fallbacks
 * that `kernelCoverage()` reports. The engine owns one and asks it `active()` before every kernel.
 */
import type { Backend } from './backend';
import { CpuBackend } from './backends/cpu/backend';
import { NNError, StateError } from './errors';
import { KERNEL_NAMES, type KernelName } from './kernels/names';

export type BackendFactory = () => Backend | Promise<Backend>;

/** What `getBackend()` returns: the active backend and what it covers. */
export interface BackendInfo {
  readonly name: string;
  readonly backend: Backend;
  floatPrecision(): 32 | 64;
  /** Which kernels run natively and which fall back to the CPU kernels (with call counts since the last reset). */
  kernelCoverage(): KernelCoverage;
}

export interface KernelCoverage {
  backend: string;
  implemented: KernelName[];
  fallback: KernelName[];
  /** How often each kernel fell back to the CPU since `resetCounts` (or the start). */
  fallbackCalls: Partial<Record<KernelName, number>>;
  resetCounts(): void;
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
  private fallbackCalls: Partial<Record<KernelName, number>> = {};

  register(name: string, factory: BackendFactory, priority = 1): void {
    if (typeof factory !== 'function') throw new NNError(`registerBackend: factory for '${name}' must be a function`);
    this.registrations.set(name, { factory, priority });
  }

  remove(name: string): void {
    const instance = this.instances.get(name);
    if (instance && instance === this.current) this.current = null;
    instance?.dispose?.();
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

  /** Notes that `kernelName` ran on the CPU instead of the active backend. */
  countFallback(kernelName: KernelName): void {
    this.fallbackCalls[kernelName] = (this.fallbackCalls[kernelName] ?? 0) + 1;
  }

  /** The active backend and its `kernelCoverage()`. */
  info(): BackendInfo {
    const backend = this.active();
    const registry = this;
    return {
      name: backend.name,
      backend,
      floatPrecision: () => backend.floatPrecision(),
      kernelCoverage(): KernelCoverage {
        const implemented = KERNEL_NAMES.filter((k) => backend.kernels[k] !== undefined);
        return {
          backend: backend.name,
          implemented,
          fallback: KERNEL_NAMES.filter((k) => backend.kernels[k] === undefined),
          fallbackCalls: { ...registry.fallbackCalls },
          resetCounts: () => {
            registry.fallbackCalls = {};
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
