import { composedAttention, scaledDotProductAttention, type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad } from '../grad';
import { check, f64 } from '../test-utils';

const keepMask = tensor(
  [
    [1, 0, 1, 1],
    [0, 0, 0, 0],
    [1, 1, 0, 1],
  ],
  [3, 4],
  'int32',
);

describe('scaledDotProductAttention gradients', () => {
  it('q, k and v, no mask', () => {
    check(
      (q, k, v) => scaledDotProductAttention(q, k, v),
      [f64([2, 3, 4], 320), f64([2, 5, 4], 321), f64([2, 5, 2], 322)],
    );
  });
  it('causal, with a scale, and a sequence of length 1', () => {
    check(
      (q, k, v) => scaledDotProductAttention(q, k, v, { isCausal: true, scale: 0.7 }),
      [f64([1, 2, 4, 3], 323), f64([1, 2, 4, 3], 324), f64([1, 2, 4, 3], 325)],
    );
    check((q, k, v) => scaledDotProductAttention(q, k, v), [f64([1, 3], 326), f64([1, 3], 327), f64([1, 2], 328)]);
  });
  it('a keep mask with an empty row (its output and gradients are 0), broadcast over the batch', () => {
    check(
      (q, k, v) => scaledDotProductAttention(q, k, v, { attnMask: keepMask }),
      [f64([2, 3, 2], 329), f64([2, 4, 2], 330), f64([2, 4, 3], 331)],
    );
  });
  it('an additive float mask receives a gradient too', () => {
    check(
      (q, k, v, m) => scaledDotProductAttention(q, k, v, { attnMask: m }),
      [f64([2, 3, 2], 332), f64([2, 4, 2], 333), f64([2, 4, 3], 334), f64([3, 4], 335)],
    );
  });
  it('batch axes broadcast (k and v shared by every head)', () => {
    check(
      (q, k, v) => scaledDotProductAttention(q, k, v),
      [f64([2, 3, 2, 4], 336), f64([2, 1, 3, 4], 337), f64([1, 1, 3, 2], 338)],
    );
  });
  it('agrees with the composed reference, gradients included', () => {
    const inputs: [Tensor, Tensor, Tensor] = [f64([2, 3, 4], 339), f64([2, 4, 4], 340), f64([2, 4, 3], 341)];
    const attrs = { scale: 0.5, causal: true };
    const loss = (y: Tensor): Tensor => y.mul(f64(y.shape, 342)).sum();
    const fused = grad((q: Tensor, k: Tensor, v: Tensor) =>
      loss(scaledDotProductAttention(q, k, v, { isCausal: true, scale: 0.5, attnMask: keepMask })),
    )(...inputs);
    const ref = grad((q: Tensor, k: Tensor, v: Tensor) =>
      loss(composedAttention(q, k, v, keepMask.broadcastTo([2, 3, 4]), attrs)),
    )(...inputs);
    fused.forEach((g, i) => {
      const [a, b] = [g.dataSync(), ref[i]!.dataSync()];
      for (let j = 0; j < a.length; j++) expect(a[j]).toBeCloseTo(b[j]!, 10);
    });
  });
});
