// Per-kernel timing for the bench entries' `--kernels` flag: wraps every kernel of the active backend.
import { getBackend } from '@nn/tensor';

export type KernelTimes = Map<string, { calls: number; ms: number }>;

/** Wraps every kernel of the active backend with a timer, keyed by kernel name and input shapes. */
export function timeKernels(): KernelTimes {
  const times: KernelTimes = new Map();
  const table = getBackend().backend.kernels as unknown as Record<
    string,
    (args: { inputs: Record<string, { shape?: readonly number[] }> }) => unknown
  >;
  for (const name of Object.keys(table)) {
    const kernel = table[name]!;
    table[name] = (args) => {
      const shapes = Object.values(args.inputs).map((t) => JSON.stringify(t?.shape ?? []));
      const key = `${name} ${shapes.join(' ')}`;
      const start = performance.now();
      const out = kernel(args);
      const entry = times.get(key) ?? { calls: 0, ms: 0 };
      entry.calls++;
      entry.ms += performance.now() - start;
      times.set(key, entry);
      return out;
    };
  }
  return times;
}

/** Prints the kernels' time per step (slowest first, `top` rows) against the whole step's. */
export function printKernelTimes(times: KernelTimes, steps: number, seconds: number, top = 40): void {
  const rows = [...times.entries()].sort((a, b) => b[1].ms - a[1].ms);
  let total = 0;
  let calls = 0;
  for (const [, t] of rows) {
    total += t.ms;
    calls += t.calls;
  }
  console.log(
    `kernels: ${(total / steps).toFixed(2)} ms/step in ${(calls / steps).toFixed(1)} calls, of ${((seconds * 1000) / steps).toFixed(2)} ms/step`,
  );
  for (const [key, t] of rows.slice(0, top)) {
    console.log(`${(t.ms / steps).toFixed(3).padStart(8)} ms ${(t.calls / steps).toFixed(1).padStart(5)}x  ${key}`);
  }
}
