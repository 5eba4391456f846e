/** The 0.2 one-line examples of the tensor and autograd READMEs, run as written. */
import {
  bernoulli,
  detach,
  Generator,
  layerNorm,
  multinomial,
  randint,
  randn,
  scaledDotProductAttention,
  type Tensor,
  tensor,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { customGrad } from './custom-grad';
import { grad } from './grad';

describe('README examples (0.2)', () => {
  it('tensor: layerNorm, attention, sampling, Generator, detach', () => {
    const y = layerNorm(tensor([[1, 2, 3]]), [3]).toArray() as number[][];
    for (const [i, v] of y[0]!.entries()) expect(v).toBeCloseTo([-1.2247, 0, 1.2247][i]!, 4);
    expect(
      scaledDotProductAttention(randn([2, 4, 8]), randn([2, 6, 8]), randn([2, 6, 3]), { isCausal: true }).shape,
    ).toEqual([2, 4, 3]);
    const b = bernoulli(tensor([0, 1, 0.5]), { seed: 1 }).toArray() as number[];
    expect(b.slice(0, 2)).toEqual([0, 1]);
    expect([
      [2, 0],
      [0, 2],
    ]).toContainEqual(multinomial(tensor([1, 0, 3]), 2, { seed: 2 }).toArray());
    expect(randint(0, 10, [2, 3], { seed: 3 }).dtype).toBe('int32');
    const g = new Generator(7);
    const s = g.getState();
    const first = randn([2], { generator: g }).toArray();
    g.setState(s);
    expect(randn([2], { generator: g }).toArray()).toEqual(first);
    expect(grad((x: Tensor) => x.mul(x.detach()).sum())(tensor([3]))[0]!.toArray()).toEqual([3]);
    expect(grad((x: Tensor) => x.mul(detach(x)).sum())(tensor([3]))[0]!.toArray()).toEqual([3]);
  });
  it('autograd: allowUnused, customGrad', () => {
    const grads = grad((x: Tensor, _y: Tensor) => x.sum(), { allowUnused: true })(tensor([1]), tensor([2]));
    expect(grads.map((t) => t.toArray())).toEqual([[1], [0]]);
    const ste = customGrad((x: Tensor) => ({ value: x.greater(0).mul(2).sub(1), grad: (dy) => [dy] }));
    expect(grad((x: Tensor) => ste(x).mul(3).sum())(tensor([-0.5, 2]))[0]!.toArray()).toEqual([3, 3]);
    const reverse = customGrad((x: Tensor) => ({ value: x, grad: (dy) => [dy.neg()] }));
    expect(grad((x: Tensor) => reverse(x).sum())(tensor([1]))[0]!.toArray()).toEqual([-1]);
  });
});
