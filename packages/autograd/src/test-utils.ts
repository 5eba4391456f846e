/** Inputs for gradient checks: seeded float64 tensors, with values kept away from kinks and ties. */
import { gradcheck } from '@nn/autograd/testing';
import { randn, type Tensor, tensor } from '@nn/tensor';
import { expect } from 'vitest';

/** Seeded standard-normal float64 values. */
export function f64(shape: readonly number[], seed: number): Tensor {
  return randn(shape, { seed, dtype: 'float64' });
}

/** float64 values in [low, high), seeded. */
export function uniform(shape: readonly number[], seed: number, low: number, high: number): Tensor {
  const values = randn(shape, { seed, dtype: 'float64' }).dataSync();
  // Map normals through a fixed uniform CDF approximation: any spread-out seeded values in range will do.
  const mapped = Float64Array.from(values, (v) => low + (high - low) * (0.5 + Math.atan(v) / Math.PI));
  return tensor(mapped, shape, 'float64');
}

/** Normal values pushed at least `margin` away from every point in `kinks` (relu at 0, clip at its bounds). */
export function awayFrom(shape: readonly number[], seed: number, kinks: readonly number[], margin = 0.05): Tensor {
  const values = randn(shape, { seed, dtype: 'float64' }).dataSync();
  const out = Float64Array.from(values, (v) => {
    let x = v;
    for (const k of kinks) if (Math.abs(x - k) < margin) x = k + (x >= k ? margin : -margin);
    return x;
  });
  return tensor(out, shape, 'float64');
}

/** Pairwise distinct float64 values (spaced by `step`, in seeded random order): no ties for max/min. */
export function distinct(shape: readonly number[], seed: number, step = 0.1): Tensor {
  const keys = randn(shape, { seed, dtype: 'float64' }).dataSync();
  const order = Array.from(keys.keys()).sort((i, j) => keys[i]! - keys[j]!);
  const out = new Float64Array(keys.length);
  order.forEach((index, rank) => {
    out[index] = (rank - keys.length / 2) * step;
  });
  return tensor(out, shape, 'float64');
}

/**
 * A scalar that depends on every entry of `y` with a different weight, so a wrong gradient cannot cancel
 * out the way it can under a plain sum.
 */
export function project(y: Tensor): Tensor {
  const weights = randn(y.shape, { seed: 1234 + y.size, dtype: y.dtype === 'float32' ? 'float32' : 'float64' });
  return y.mul(weights).sum();
}

/** gradcheck of `project(f(...inputs))`. */
export function check(f: (...args: Tensor[]) => Tensor, inputs: readonly Tensor[]): void {
  expect(gradcheck((...args) => project(f(...args)), inputs)).toBe(true);
}
