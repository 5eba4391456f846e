/** The one-line examples of the README's "Added in 0.2" list give the results it shows. */
import {
  argsort,
  ceil,
  cumsum,
  elu,
  erf,
  floor,
  gelu,
  log1p,
  logsumexp,
  maskedFill,
  ones,
  reciprocal,
  round,
  rsqrt,
  sign,
  silu,
  slice,
  sort,
  std,
  type Tensor,
  tensor,
  topk,
  tril,
  variance,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';

const x = () => tensor([-1.5, 0.5, 2]);
const close = (t: Tensor, want: number[], digits = 4) => {
  const got = Array.from(t.dataSync());
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i]!, digits - 1);
};

describe('README: Added in 0.2', () => {
  it('unary', () => {
    close(sign(x()), [-1, 1, 1]);
    close(round(tensor([0.5, 1.5, 2.5])), [0, 2, 2]);
    close(floor(x()), [-2, 0, 2]);
    close(ceil(x()), [-1, 1, 2]);
    close(erf(x()), [-0.9661, 0.5205, 0.9953]);
    close(log1p(tensor([1e-10])).div(1e-10), [1]);
    close(reciprocal(x()), [-0.6667, 2, 0.5]);
    close(rsqrt(tensor([4])), [0.5]);
    close(gelu(x(), { approximate: 'tanh' }), [-0.1004, 0.3457, 1.9546]);
    close(silu(x()), [-0.2736, 0.3112, 1.7616]);
    close(elu(x(), 0.5), [-0.3884, 0.5, 2]);
  });
  it('reductions', () => {
    close(logsumexp(x(), 0), [2.2258]);
    close(variance(x()), [3.0833]);
    close(x().var(0, { correction: 0 }), [2.0556]);
    close(std(x()), [1.7559]);
    close(cumsum(x(), 0), [-1.5, -1, 1]);
  });
  it('selection and slice', () => {
    const s = sort(x(), { descending: true });
    close(s.values, [2, 0.5, -1.5]);
    expect(Array.from(s.indices.dataSync())).toEqual([2, 1, 0]);
    expect(Array.from(argsort(x()).dataSync())).toEqual([0, 1, 2]);
    const t = topk(x(), 2);
    close(t.values, [2, 0.5]);
    expect(Array.from(t.indices.dataSync())).toEqual([2, 1]);
    close(tril(ones([3, 3]), -1), [0, 0, 0, 1, 0, 0, 1, 1, 0]);
    close(maskedFill(x(), tensor([1, 0, 0]), 0), [0, 0.5, 2]);
    close(slice(x(), [-2]), [0.5, 2]);
  });
});
