import { gather, oneHot, scatterAdd, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad } from '../grad';
import { check, f64 } from '../test-utils';

describe('indexing gradients', () => {
  const x = f64([2, 3, 4], 60);
  it('gather (repeated indices accumulate) and scatterAdd', () => {
    const indices = tensor([2, 0, 2, 1], [2, 2], 'int32');
    check((v) => gather(v, indices, 1), [x]);
    check((v) => gather(v, indices, 0), [f64([3, 2], 70)]);
    check((u) => scatterAdd(u, indices, 1, 5), [f64([3, 2, 2, 2], 71)]);
  });
  it('one-hot vectors are constants', () => {
    const [g] = grad((v) =>
      oneHot(tensor([1, 0], undefined, 'int32'), 2)
        .mul(v)
        .sum(),
    )(tensor([2, 3]));
    expect(g!.toArray()).toEqual([1, 1]);
  });
});
