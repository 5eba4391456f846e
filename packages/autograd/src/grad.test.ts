import { DTypeError, memory, NNError, randn, type Tensor, tensor, tidy, ValueError, zeros } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad, gradsOf, noGrad, valueAndGrad } from './grad';

describe('grad', () => {
  it('differentiates the API example', () => {
    const [dx] = grad((x) => x.mul(x).sum())(tensor([1, 2, 3]));
    expect(dx!.toArray()).toEqual([2, 4, 6]);
  });
});
