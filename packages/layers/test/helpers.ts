/** Shared test helpers: reading the PyTorch fixtures and comparing tensors with a tolerance. */
import { readFileSync } from 'node:fs';
import { type DType, type Tensor, tensor } from '@nn/tensor';
import { expect } from 'vitest';

export interface TensorJson {
  shape: number[];
  values: number[];
}

/** Parses test/fixtures/<name>, written by make_fixtures.py. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export function fromJson(t: TensorJson, dtype: DType = 'float64'): Tensor {
  return tensor(t.values, t.shape, dtype);
}

/** Every value of `actual` within `atol + rtol * |expected|` of `expected`, and the same shape. */
export function expectClose(actual: Tensor, expected: TensorJson | number[], atol = 1e-9, rtol = 1e-7): void {
  const want = Array.isArray(expected) ? expected : expected.values;
  if (!Array.isArray(expected)) expect([...actual.shape]).toEqual(expected.shape);
  const got = Array.from(actual.dataSync());
  expect(got.length).toBe(want.length);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < want.length; i++) {
    const excess = Math.abs(got[i]! - want[i]!) - (atol + rtol * Math.abs(want[i]!));
    if (excess > worst || Number.isNaN(got[i]!)) {
      worst = Number.isNaN(got[i]!) ? Number.POSITIVE_INFINITY : excess;
      worstAt = i;
    }
  }
  if (worstAt >= 0) {
    expect.fail(`value ${worstAt}: got ${got[worstAt]}, expected ${want[worstAt]} (atol ${atol}, rtol ${rtol})`);
  }
}
