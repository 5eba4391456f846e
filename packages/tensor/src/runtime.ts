/** The public face of the engine: memory, scopes and backends. */
import { type BackendFactory, type BackendInfo, engine, type MemoryInfo } from './engine';
import { Tensor } from './tensor';

/**
 * Runs `fn` and disposes every tensor it created, except those it returns.
 * @example const y = tidy(() => x.mul(2).add(1)); // the x.mul(2) intermediate is freed
 */
export function tidy<R>(fn: () => R): R {
  return engine.tidy(fn);
}

/** Keeps a tensor alive past the tidy scopes around it. */
export function keep<T extends Tensor>(tensor: T): T {
  return engine.keep(tensor);
}

/** Disposes a tensor, or every tensor in an array/object. */
export function dispose(value: unknown): void {
  if (value instanceof Tensor) value.dispose();
  else if (Array.isArray(value)) value.forEach(dispose);
  else if (value !== null && typeof value === 'object') Object.values(value).forEach(dispose);
}

/** Live tensors and bytes: `{ numTensors, numBytes, numDataIds }`. */
export function memory(): MemoryInfo {
  return engine.memory();
}

/** Registers a backend under `name`; the highest priority one becomes the default. */
export function registerBackend(name: string, factory: BackendFactory, priority = 1): void {
  engine.registerBackend(name, factory, priority);
}

/** Switches to backend `name` (initialising it; async because wasm/gpu backends compile). */
export function setBackend(name: string): Promise<void> {
  return engine.setBackend(name);
}

/** The active backend: `getBackend().name`, `getBackend().kernelCoverage()`. */
export function getBackend(): BackendInfo {
  return engine.getBackend();
}

/** Waits until the best registered backend is initialised and active. */
export function ready(): Promise<BackendInfo> {
  return engine.ready();
}

/** Unregisters a backend and disposes its instance. */
export function removeBackend(name: string): void {
  engine.removeBackend(name);
}

/** The names of the registered backends. */
export function registeredBackends(): string[] {
  return engine.registeredBackends();
}
