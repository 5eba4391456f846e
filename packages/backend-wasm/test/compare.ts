/** Runs the same computation on the cpu and wasm backends and compares, for the kernel tests. */
import { getBackend, setBackend, type Tensor } from '@nn/tensor';
import { expect } from 'vitest';
import '../src/index';

/** `build` creates its inputs itself (seeded), so both backends see the same values. */
export async function expectSameAsCpu(build: () => Tensor, tolerance = 1e-5): Promise<void> {
  await setBackend('cpu');
  const expected = build();
  const expectedValues = Array.from(expected.dataSync());
  await setBackend('wasm');
  getBackend().kernelCoverage().resetCounts();
  const actual = build();
  expect(getBackend().kernelCoverage().fallbackCalls).toEqual({});
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
