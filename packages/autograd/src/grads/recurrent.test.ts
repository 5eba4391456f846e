import { lstmCell, sigmoid, stack, type Tensor, tanh } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad } from '../grad';
import { check, f64 } from '../test-utils';

/** The cell from unfused ops: [h', c'] stacked as [2, N, H]. */
function composedCell(gates: Tensor, c: Tensor): Tensor {
  const [n, h] = c.shape as [number, number];
  const block = (k: number) => gates.slice([0, k * h], [n, h]);
  const cNext = sigmoid(block(1))
    .mul(c)
    .add(sigmoid(block(0)).mul(tanh(block(2))));
  return stack([sigmoid(block(3)).mul(tanh(cNext)), cNext], 0);
}

describe('lstmCell gradients', () => {
  it('gates and c, both outputs (h and c) in the loss', () => {
    check((gates, c) => lstmCell(gates, c), [f64([3, 8], 350), f64([3, 2], 351)]);
  });
  it('one row, one unit, large pre-activations', () => {
    check((gates, c) => lstmCell(gates.mul(4), c), [f64([1, 4], 352), f64([1, 1], 353)]);
  });
  it('agrees with the composed cell, values and gradients', () => {
    const inputs: [Tensor, Tensor] = [f64([2, 12], 354), f64([2, 3], 355)];
    const weights = f64([2, 2, 3], 356);
    const fused = grad((g: Tensor, c: Tensor) => lstmCell(g, c).mul(weights).sum())(...inputs);
    const ref = grad((g: Tensor, c: Tensor) => composedCell(g, c).mul(weights).sum())(...inputs);
    const [y, yRef] = [lstmCell(...inputs).dataSync(), composedCell(...inputs).dataSync()];
    for (let j = 0; j < y.length; j++) expect(y[j]).toBeCloseTo(yRef[j]!, 12);
    fused.forEach((g, i) => {
      const [a, b] = [g.dataSync(), ref[i]!.dataSync()];
      for (let j = 0; j < a.length; j++) expect(a[j]).toBeCloseTo(b[j]!, 12);
    });
  });
});
