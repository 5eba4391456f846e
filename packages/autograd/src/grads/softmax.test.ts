import { logSoftmax, softmax, softmaxCrossEntropy, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad } from '../grad';
import { check, f64, uniform } from '../test-utils';

describe('softmax family gradients', () => {
  it('softmax and logSoftmax along any axis', () => {
    const x = f64([3, 4, 2], 50);
    check((v) => softmax(v), [x]);
    check((v) => softmax(v, 1), [x]);
    check((v) => logSoftmax(v), [x]);
    check((v) => logSoftmax(v, 0), [x]);
  });
  it('softmaxCrossEntropy with respect to logits and to an arbitrary target', () => {
    check(softmaxCrossEntropy, [f64([4, 5], 51), uniform([4, 5], 52, 0, 1)]);
  });
  it('softmaxCrossEntropy with a probability target gives softmax - target', () => {
    const logits = tensor([[1, 2, 3]], undefined, 'float64');
    const target = tensor([[0, 1, 0]], undefined, 'float64');
    const [g] = grad((l) => softmaxCrossEntropy(l, target).sum())(logits);
    const expected = softmax(logits).sub(target).dataSync();
    for (const [i, v] of g!.dataSync().entries()) expect(v).toBeCloseTo(expected[i]!, 12);
  });
  it('a loss built from logSoftmax (mean negative log-likelihood of one-hot targets)', () => {
    const target = tensor(
      [
        [0, 1, 0],
        [1, 0, 0],
      ],
      undefined,
      'float64',
    );
    check((l) => logSoftmax(l).mul(target).sum(1).mean().neg(), [f64([2, 3], 53)]);
  });
});
