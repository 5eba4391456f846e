import { layerNorm, mean, type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad } from '../grad';
import { check, f64 } from '../test-utils';

/** layerNorm composed from mean and variance ops: the reference the fused kernel's gradient must match. */
function composed(x: Tensor, axes: number[], eps: number): Tensor {
  const m = mean(x, axes, true);
  const d = x.sub(m);
  return d.div(mean(d.mul(d), axes, true).add(eps).sqrt());
}

describe('layerNorm gradients', () => {
  it('over one trailing axis, with weight and bias', () => {
    check((x, w, b) => layerNorm(x, [5], { weight: w, bias: b }), [f64([3, 5], 300), f64([5], 301), f64([5], 302)]);
  });
  it('over two trailing axes, with weight only, and without affine parameters', () => {
    check((x, w) => layerNorm(x, [3, 4], { weight: w }), [f64([2, 3, 4], 303), f64([3, 4], 304)]);
    check((x) => layerNorm(x, [4]), [f64([2, 3, 4], 305)]);
  });
  it('over every axis (weight of x shape, no leading axes) and over a size-1 leading axis', () => {
    check(
      (x, w, b) => layerNorm(x, [2, 3], { weight: w, bias: b }),
      [f64([2, 3], 306), f64([2, 3], 307), f64([2, 3], 308)],
    );
    check((x, b) => layerNorm(x, 6, { bias: b, eps: 0.1 }), [f64([1, 6], 309), f64([6], 310)]);
  });
  it('a row of one element normalises to 0 and has gradient 0 with respect to x', () => {
    const [dx] = grad((x: Tensor) => layerNorm(x, [1]).mul(x).sum())(f64([3, 1], 311));
    expect(Array.from(dx!.dataSync())).toEqual([0, 0, 0]);
  });
  it('agrees with the composed formula', () => {
    const x = f64([4, 6], 312);
    const fused = grad((v: Tensor) =>
      layerNorm(v, [6])
        .mul(tensor([1, -2, 3, 0.5, 2, -1], [6], 'float64'))
        .sum(),
    )(x);
    const ref = grad((v: Tensor) =>
      composed(v, [1], 1e-5)
        .mul(tensor([1, -2, 3, 0.5, 2, -1], [6], 'float64'))
        .sum(),
    )(x);
    const [a, b] = [fused[0]!.dataSync(), ref[0]!.dataSync()];
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 10);
  });
});
