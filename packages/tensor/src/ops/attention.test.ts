import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { Generator } from '../util/random';
import { composedAttention, scaledDotProductAttention } from './attention';
import { randn, tensor } from './create';
import { layerNorm } from './normalization';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(tol);
};

describe('scaledDotProductAttention', () => {
  const [q, k, v] = [randn([2, 3, 4], { seed: 1 }), randn([2, 5, 4], { seed: 2 }), randn([2, 5, 3], { seed: 3 })];
  it('the fused kernel agrees with the composed ops, with every kind of mask', () => {
    const keep = tensor([1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1], [3, 5], 'int32');
    const add = randn([3, 5], { seed: 4 });
    for (const [mask, causal] of [
      [undefined, false],
      [keep, false],
      [add, true],
    ] as const) {
      const fused = scaledDotProductAttention(q, k, v, { attnMask: mask, isCausal: causal });
      const full = mask?.broadcastTo([2, 3, 5]);
      close(fused.dataSync(), composedAttention(q, k, v, full, { scale: 0.5, causal }).dataSync());
    }
  });
  it('broadcasts batch axes and the mask; the empty row of a keep mask is 0', () => {
    const out = scaledDotProductAttention(
      randn([2, 1, 2, 4], { seed: 5 }),
      k.reshape([2, 1, 5, 4]),
      v.reshape([2, 1, 5, 3]),
      {
        attnMask: tensor([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], [2, 5], 'int32'),
      },
    );
    expect(out.shape).toEqual([2, 1, 2, 3]);
    expect(Array.from(out.dataSync()).slice(0, 3)).toEqual([0, 0, 0]);
  });
  it('dropout: seeded, reproducible from a generator state, and unbiased in expectation', () => {
    const generator = new Generator(6);
    const state = generator.getState();
    const a = scaledDotProductAttention(q, k, v, { dropoutP: 0.5, generator }).dataSync();
    generator.setState(state);
    expect(scaledDotProductAttention(q, k, v, { dropoutP: 0.5, generator }).dataSync()).toEqual(a);
    // Dropout of the weights of one key of value 1: the mean output over many queries is the no-dropout 1.
    const ones = tensor(new Float32Array(1).fill(1), [1, 1, 1]);
    const many = scaledDotProductAttention(randn([1, 4000, 2], { seed: 7 }), randn([1, 1, 2], { seed: 8 }), ones, {
      dropoutP: 0.25,
      generator: new Generator(9),
    });
    const values = Array.from(many.dataSync());
    expect(values.every((x) => x === 0 || Math.abs(x - 4 / 3) < 1e-6)).toBe(true);
    const m = values.reduce((s, x) => s + x, 0) / values.length;
    expect(Math.abs(m - 1)).toBeLessThan(4 * Math.sqrt(0.25 / 0.75 / values.length));
  });
  it('refuses mismatched shapes, dtypes and options', () => {
    expect(() => scaledDotProductAttention(q, k, randn([2, 4, 3]))).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q, randn([2, 5, 3]), v)).toThrow(
      /expected q \[..., L, E\], k \[..., S, E\]/,
    );
    expect(() => scaledDotProductAttention(q, k, v, { attnMask: randn([3, 4]) })).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q, k, v, { attnMask: randn([3, 5], { dtype: 'float64' }) })).toThrow(
      DTypeError,
    );
    expect(() => scaledDotProductAttention(q, k, v, { dropoutP: 1 })).toThrow(/dropoutP must be in \[0, 1\)/);
    expect(() => scaledDotProductAttention(q, k, v, { causal: true } as never)).toThrow(/unknown option 'causal'/);
    expect(() => scaledDotProductAttention(tensor([1]), k, v)).toThrow(/q must be \[..., L, E\], got \[1\]/);
    expect(() => scaledDotProductAttention(q, k, v, { scale: Number.NaN })).toThrow(ValueError);
  });
});

describe('layerNorm', () => {
  it('normalises the trailing axes to mean 0 and variance 1', () => {
    const y = layerNorm(randn([3, 2, 8], { seed: 10 }).mul(5).add(3), [2, 8]).reshape([3, 16]);
    close(y.mean(1).dataSync(), [0, 0, 0]);
    close(y.square().mean(1).dataSync(), [1, 1, 1], 1e-4);
  });
  it('refuses a normalizedShape that is not the trailing shape, and affine parameters of the wrong shape', () => {
    const x = randn([2, 3]);
    expect(() => layerNorm(x, [2])).toThrow(/normalizedShape \[2\] must be the trailing shape of x \[2,3\]/);
    expect(() => layerNorm(x, 3, { weight: randn([2]) })).toThrow(/weight \[2\] must have the normalised shape \[3\]/);
    expect(() => layerNorm(x, 3, { eps: -1 })).toThrow(/eps must be >= 0/);
    expect(() => layerNorm(tensor([1, 2], undefined, 'int32'), 2)).toThrow(DTypeError);
  });
});
