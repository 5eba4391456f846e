import { gradcheck } from '@nn/autograd/testing';
import { NNError, randn, type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { noGrad } from '../grad';

describe('gradcheck', () => {
  it('passes on correct gradients and returns true', () => {
    const x = randn([3, 4], { seed: 1, dtype: 'float64' });
    const w = randn([4, 2], { seed: 2, dtype: 'float64' });
    expect(gradcheck((a, b) => a.matmul(b).tanh().sum(), [x, w])).toBe(true);
    expect(gradcheck((a, b) => a.matmul(b).tanh().sum(), [x, w], { eps: 1e-5, atol: 1e-4, rtol: 1e-2 })).toBe(true);
  });

  it('requires float64 inputs and says so', () => {
    expect(() => gradcheck((a) => a.sum(), [tensor([1, 2])])).toThrow(/gradcheck: input 0 is float32 \[2\].*float64/);
  });

  it('reports the worst entry: argument, flat index, analytic and numeric values', () => {
    // x * stop_gradient(x): the analytic gradient is x, the true one 2x; the largest |x| is the worst entry.
    const wrong = (a: Tensor, b: Tensor): Tensor =>
      a
        .mul(noGrad(() => a.mul(1)))
        .sum()
        .add(b.sum());
    const x = tensor([1, -3, 2], undefined, 'float64');
    const y = tensor([1], undefined, 'float64');
    let message = '';
    try {
      gradcheck(wrong, [x, y]);
    } catch (error) {
      expect(error).toBeInstanceOf(NNError);
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^gradcheck: gradients differ for input 0 \[3\] at flat index 1: analytic -3, numeric -6\.0*\d*/,
    );
  });

  it('rejects a non-scalar f', () => {
    expect(() => gradcheck((a) => a.mul(2), [tensor([1, 2], undefined, 'float64')])).toThrow(/scalar/);
  });
});
