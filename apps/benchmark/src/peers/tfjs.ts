/** TensorFlow.js 4.22 with its cpu and wasm backends, as a peer. */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

export type Tf = typeof tf;
export interface TfBackend {
  label: string;
  name: 'cpu' | 'wasm';
}

/** Initialises the tfjs backends that work here. */
export async function loadTfBackends(log: (line: string) => void, threads: number): Promise<TfBackend[]> {
  const found: TfBackend[] = [];
  try {
    setThreadsCount(threads);
  } catch {
    // Only possible before the wasm backend initialises; harmless otherwise.
  }
  for (const name of ['cpu', 'wasm'] as const) {
    try {
      if (!(await tf.setBackend(name))) throw new Error('setBackend returned false');
      await tf.ready();
      found.push({ label: `tfjs:${name}`, name });
    } catch (error) {
      log(`  tfjs ${name}: unavailable (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return found;
}

export async function useTf(name: string): Promise<Tf> {
  if (tf.getBackend() !== name) {
    await tf.setBackend(name);
    await tf.ready();
  }
  return tf;
}

export { tf };
