/** Picks the backend the examples run on: `--backend cpu|wasm|gpu`, wasm by default. */
import { getBackend, setBackend, ValueError } from '@nn/tensor';

export const BACKENDS = ['cpu', 'wasm', 'gpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Loads the backend package (each registers itself on import) and makes it the current backend. */
export async function useBackend(name: string): Promise<string> {
  if (name === 'wasm') await import('@nn/backend-wasm');
  else if (name === 'gpu') await import('@nn/backend-gpu');
  else if (name !== 'cpu') throw new ValueError(`--backend: expected one of ${BACKENDS.join(', ')}, got '${name}'`);
  await setBackend(name);
  return getBackend().name;
}
