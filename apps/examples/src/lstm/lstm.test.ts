import { describe, expect, it } from 'vitest';
import { quickRun } from '../shared/quick-run';
import { lstm } from './lstm';

describe('lstm example (quick configuration: 1,000 digits, 2 epochs)', () => {
  it('loss falls >= 1.5x from the first batch and it reads >= 40% of 500 test digits (chance: 10%)', async () => {
    const result = await quickRun(lstm);
    expect(result.lossStart / result.lossEnd).toBeGreaterThan(1.5);
    expect(result.metrics.testAccuracy).toBeGreaterThanOrEqual(0.4);
  });
});
