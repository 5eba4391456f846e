/** Shared test helpers: reading the PyTorch fixtures, comparing tensors with a tolerance, a toy dataset. */
import { readFileSync } from 'node:fs';
import { type DType, randn, type Tensor, tensor } from '@nn/tensor';
import { expect } from 'vitest';
import { Linear, ReLU, Sequential } from '../src/layers';

/** Two Gaussian blobs in 2-D: class 0 around (-1, -1), class 1 around (1, 1), labels alternating 0/1. */
export function blobs(n: number, seed: number, spread = 0.5): { x: Tensor; y: Tensor } {
  const noise = randn([n, 2], { seed }).mul(spread).dataSync();
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    xs.push((label ? 1 : -1) + noise[2 * i]!, (label ? 1 : -1) + noise[2 * i + 1]!);
    ys.push(label);
  }
  return { x: tensor(xs, [n, 2]), y: tensor(ys, [n], 'int32') };
}

/** A 2-8-2 MLP for the blobs. */
export function mlp(): Sequential {
  return new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 2));
}

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
