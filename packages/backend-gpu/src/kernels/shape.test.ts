/** Pad with a value that has no shader literal (NaN, +-Infinity) runs as a shader too: no readback, no host path. */
import { getBackend, pad, registerBackend, setBackend, tensor } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpuBackend, type GpuBackend } from '../backend';

const NAME = 'gpu-cpu-shape-test';
let previous = 'cpu';
beforeAll(async () => {
  previous = getBackend().name;
  if (!engine.registeredBackends().includes(NAME)) registerBackend(NAME, () => createGpuBackend({ mode: 'cpu' }), 0);
  await setBackend(NAME);
});
afterAll(() => setBackend(previous));

describe('gpu Pad', () => {
  it.each([
    [Number.NEGATIVE_INFINITY, [Number.NEGATIVE_INFINITY, 2, 3, Number.NEGATIVE_INFINITY]],
    [Number.POSITIVE_INFINITY, [Number.POSITIVE_INFINITY, 2, 3, Number.POSITIVE_INFINITY]],
    [Number.NaN, [Number.NaN, 2, 3, Number.NaN]],
  ])('pads a device-computed tensor with %s on the device, natively', async (value, expected) => {
    const backend = getBackend().backend as GpuBackend;
    const x = tensor([1, 2]).add(1); // computed on the device: a host path would have to read it back
    const coverage = getBackend().kernelCoverage();
    coverage.resetCounts();
    const downloads = backend.stats().downloads;
    const y = pad(x, [[1, 1]], value);
    expect(backend.stats().downloads).toBe(downloads);
    expect(getBackend().kernelCoverage().nativeCalls).toEqual({ Pad: 1 });
    expect(Array.from(await y.data())).toEqual(expected);
    x.dispose();
    y.dispose();
  });
});
