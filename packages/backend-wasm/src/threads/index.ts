/**
 * How many threads the wasm backend uses: one setting for every wasm backend in the process, default = the
 * machine's cores. Threads need shared memory (SharedArrayBuffer: Node, or a cross-origin-isolated page);
 * without it everything runs on the calling thread whatever the setting.
 */
import { ValueError } from '@nn/tensor';
import { sharedMemoryAvailable } from '../module';

let configured: number | null = null;
/** availableCores(), read on first use. */
let cores: number | null = null;

/**
 * Cores of this machine (os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers), at least 1.
 * Read once: every kernel that may split asks (through getWasmThreads), and in Node each read was a call into
 * the runtime (~1% of a LeNet-5 training epoch's time).
 */
export function availableCores(): number {
  cores ??= readCores();
  return cores;
}

function readCores(): number {
  const g = globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
    navigator?: { hardwareConcurrency?: number };
  };
  const os = g.process?.getBuiltinModule?.('node:os') as
    | { availableParallelism?: () => number; cpus?: () => unknown[] }
    | undefined;
  const count = os?.availableParallelism?.() ?? os?.cpus?.().length ?? g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.floor(count));
}

/**
 * Sets the number of threads (the calling thread included) wasm kernels may use; takes effect at the next kernel.
 * @example setWasmThreads(1); // single-threaded, e.g. for exact run-to-run comparisons
 */
export function setWasmThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new ValueError(`setWasmThreads: expected an integer >= 1, got ${threads}`);
  }
  configured = threads;
}

/** The thread count wasm kernels use: setWasmThreads, or the number of cores by default; 1 without shared memory. */
export function getWasmThreads(): number {
  if (!sharedMemoryAvailable()) return 1;
  return configured ?? availableCores();
}
