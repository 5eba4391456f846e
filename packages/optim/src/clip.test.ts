/** clipGradNorm against torch.nn.utils.clip_grad_norm_ (test/fixtures/generate.py), and its device-only contract. */
import { type DType, DTypeError, memory, type Tensor, tensor, tidy, ValueError } from '@nn/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import fixtures from '../test/fixtures/optim.json';
import { clipGradNorm } from './clip';

/** Distance in units in the last place of `dtype`. */
function ulps(a: number, b: number, dtype: string): number {
  const scale = Math.max(Math.abs(a), Math.abs(b), 1e-30);
  return Math.abs(a - b) / 2 ** (Math.floor(Math.log2(scale)) - (dtype === 'float64' ? 52 : 23));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('clipGradNorm matches PyTorch 1.13', () => {
  it.each(fixtures.clips.map((c) => [c.label, c] as const))('%s', (_, c) => {
    const dtype = c.dtype as DType;
    const grads = c.grads.map((values, i) => tensor(values, c.shapes[i], dtype));
    const normType = c.normType === 'Infinity' ? Number.POSITIVE_INFINITY : (c.normType as number);
    const result = clipGradNorm(grads, c.maxNorm, { normType });
    // The sums run in another order than PyTorch's vectorised reductions: a few units in the last place.
    expect(ulps(result.totalNorm.item(), c.totalNorm, c.dtype)).toBeLessThanOrEqual(8);
    result.grads.forEach((g, i) => {
      const got = g.dataSync();
      c.clipped[i]!.forEach((want, k) => {
        expect(ulps(got[k]!, want, c.dtype), `${c.label}: grads[${i}][${k}]`).toBeLessThanOrEqual(8);
      });
    });
    // The inputs are left alone.
    grads.forEach((g, i) => {
      expect(Array.from(g.dataSync())).toEqual(c.grads[i]!.map((v) => (dtype === 'float32' ? Math.fround(v) : v)));
    });
  });
});

describe('clipGradNorm', () => {
  it('by hand: [3, 4] has norm 5; clipped to 1 it becomes [0.6, 0.8] (less the 1e-6 PyTorch adds)', () => {
    const { grads, totalNorm } = clipGradNorm([tensor([3]), tensor([4])], 1);
    expect(totalNorm.item()).toBe(5);
    expect(grads[0]!.item()).toBeCloseTo(0.6, 6);
    expect(grads[1]!.item()).toBeCloseTo(0.8, 6);
    const below = clipGradNorm([tensor([3, 4])], 10);
    expect(Array.from(below.grads[0]!.dataSync())).toEqual([3, 4]);
  });

  it('reads nothing from the device and frees everything it makes inside tidy', () => {
    const grads = [tensor([1, 2, 3]), tensor([[4, 5]])];
    const proto = Object.getPrototypeOf(grads[0]) as Tensor;
    const reads = [vi.spyOn(proto, 'dataSync'), vi.spyOn(proto, 'item'), vi.spyOn(proto, 'data')];
    const before = memory().numTensors;
    tidy(() => {
      clipGradNorm(grads, 1);
      clipGradNorm(grads, 1, { normType: Number.POSITIVE_INFINITY });
      clipGradNorm(grads, 1, { normType: 1.5 });
    });
    expect(reads.map((spy) => spy.mock.calls.length)).toEqual([0, 0, 0]);
    expect(memory().numTensors).toBeLessThanOrEqual(before);
  });

  it('no gradients: a total norm of 0, like PyTorch', () => {
    const { grads, totalNorm } = clipGradNorm([], 1);
    expect(grads).toEqual([]);
    expect(totalNorm.item()).toBe(0);
  });

  it('errorIfNonfinite reads the norm and refuses NaN or infinity; without it the gradients become NaN', () => {
    const bad = [tensor([1, Number.POSITIVE_INFINITY])];
    expect(() => clipGradNorm(bad, 1, { errorIfNonfinite: true })).toThrow(
      /clipGradNorm: the total norm of order 2 of the gradients is Infinity, so they cannot be clipped/,
    );
    expect(clipGradNorm(bad, 1).totalNorm.item()).toBe(Number.POSITIVE_INFINITY);
    expect(clipGradNorm([tensor([3, 4])], 1, { errorIfNonfinite: true }).totalNorm.item()).toBe(5);
  });

  it.each([
    ['maxNorm 0', () => clipGradNorm([tensor([1])], 0), /maxNorm must be > 0, got 0/],
    ['maxNorm NaN', () => clipGradNorm([tensor([1])], Number.NaN), /maxNorm must be a finite number, got NaN/],
    ['normType 0', () => clipGradNorm([tensor([1])], 1, { normType: 0 }), /normType must be > 0, got 0/],
    ['unknown option', () => clipGradNorm([tensor([1])], 1, { norm_type: 2 } as object), /did you mean 'normType'/],
    ['not an array', () => clipGradNorm(tensor([1]) as never, 1), /grads must be an array of Tensors/],
    ['not a tensor', () => clipGradNorm([tensor([1]), [2]] as never, 1), /grads\[1\] is not a Tensor/],
  ])('%s -> ValueError', (_, call, message) => {
    expect(call).toThrow(ValueError);
    expect(call).toThrow(message);
  });

  it('mixed dtypes are a DTypeError naming both', () => {
    expect(() => clipGradNorm([tensor([1]), tensor([2], undefined, 'float64')], 1)).toThrow(DTypeError);
    expect(() => clipGradNorm([tensor([1]), tensor([2], undefined, 'float64')], 1)).toThrow(
      /grads\[0\] is float32 \[1\], grads\[1\] is float64 \[1\]/,
    );
  });
});
