/** The @nn side of the benchmark: which backends are present here, and switching between them. */
import { getBackend, registeredBackends, setBackend } from '@nn/tensor';

export interface NnBackend {
  /** Row label, e.g. 'nn:wasm'. */
  label: string;
  name: string;
}

/** Imports the optional backend packages and returns every @nn backend that initialises on this machine. */
export async function loadNnBackends(log: (line: string) => void): Promise<NnBackend[]> {
  for (const pkg of ['@nn/backend-wasm', '@nn/backend-gpu']) {
    try {
      await import(pkg);
    } catch (error) {
      log(`  ${pkg}: not loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
  }
  const found: NnBackend[] = [];
  for (const name of registeredBackends()) {
    try {
      await setBackend(name);
      found.push({ label: `nn:${name}`, name });
    } catch (error) {
      log(`  nn backend '${name}' unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await setBackend('cpu');
  return found;
}

/** Makes `name` active (cheap once initialised); every @nn cell calls it before running. */
export async function useNn(name: string): Promise<void> {
  if (getBackend().name !== name) await setBackend(name);
}
