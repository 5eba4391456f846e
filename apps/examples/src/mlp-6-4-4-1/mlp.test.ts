import { describe, expect, it } from 'vitest';
import { quickRun } from '../shared/quick-run';
import { mlp6441 } from './mlp';

describe('mlp-6-4-4-1 example (quick configuration: 1,000 samples, 15 epochs)', () => {
  it('loss falls >= 2.5x and the test error falls to <= 10%', async () => {
    const result = await quickRun(mlp6441);
    expect(result.lossStart / result.lossEnd).toBeGreaterThan(2.5);
    expect(result.metrics.testError).toBeLessThan(result.metrics.firstEpochTestError!);
    expect(result.metrics.testError).toBeLessThanOrEqual(0.1);
  });
});
