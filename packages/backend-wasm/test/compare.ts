/** Runs the same computation on the cpu and wasm backends and compares, for the kernel tests. */
import { getBackend, setBackend, type Tensor } from '@nn/tensor';
import { cpuKernels } from '@nn/tensor/backend';
import { expect } from 'vitest';
import '../src/index';

/**
 * Runs `fn` and returns the names of the CPU kernels it called, reported or not: a wasm kernel that computed
 * on the host without saying so shows here even though `kernelCoverage()` does not see it.
 */
function cpuKernelCalls<T>(fn: () => T): [T, string[]] {
  const table = cpuKernels as unknown as Record<string, (args: unknown) => unknown>;
  const saved = { ...table };
  const calls: string[] = [];
  for (const [name, kernel] of Object.entries(saved)) {
    table[name] = (args) => {
      calls.push(name);
      return kernel(args);
    };
  }
  try {
    return [fn(), calls];
  } finally {
    Object.assign(table, saved);
  }
}

/** `build` creates its inputs itself (seeded), so both backends see the same values. */
export async function expectSameAsCpu(build: () => Tensor, tolerance = 1e-5): Promise<void> {
  await setBackend('cpu');
  const expected = build();
  const expectedValues = Array.from(expected.dataSync());
  await setBackend('wasm');
  getBackend().kernelCoverage().resetCounts();
  const [actual, cpuCalls] = cpuKernelCalls(build);
  expect(getBackend().kernelCoverage().fallbackCalls).toEqual({});
  expect(cpuCalls, 'CPU kernels that ran on the wasm backend').toEqual([]);
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toEqual(expected.dtype);
  const actualValues = Array.from(actual.dataSync());
  expect(actualValues.length).toBe(expectedValues.length);
  for (let i = 0; i < actualValues.length; i++) {
    const e = expectedValues[i]!;
    const a = actualValues[i]!;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      expect(a, `element ${i}`).toBe(e);
    } else if (Math.abs(a - e) > tolerance * (1 + Math.abs(e))) {
      expect.fail(`element ${i}: wasm ${a}, cpu ${e} (tolerance ${tolerance})`);
    }
  }
}
