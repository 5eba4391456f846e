import { grad } from '@nn/autograd';
import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { quickRun } from '../shared/quick-run';
import { binarize, customGradExample } from './custom-grad';

describe('custom-grad example', () => {
  it('binarize: -1/+1 forward, the gradient passes straight through where |w| <= 1', () => {
    const w = tensor([-2, -0.5, 0.25, 3]);
    expect(Array.from(binarize(w).dataSync())).toEqual([-1, -1, 1, 1]);
    const [dw] = grad((v) =>
      binarize(v)
        .mul(tensor([1, 2, 3, 4]))
        .sum(),
    )(w);
    expect(Array.from(dw!.dataSync())).toEqual([0, 2, 3, 0]);
  });

  it('quick configuration (2,000 digits, hidden 64, 2 epochs): loss falls >= 2x, >= 80% of 500 test digits', async () => {
    const result = await quickRun(customGradExample);
    expect(result.lossStart / result.lossEnd).toBeGreaterThan(2);
    expect(result.metrics.weightsBinary).toBe(1);
    expect(result.metrics.testAccuracy).toBeGreaterThanOrEqual(0.8);
  });
});
