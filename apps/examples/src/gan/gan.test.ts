import { describe, expect, it } from 'vitest';
import { quickRun } from '../shared/quick-run';
import { gan } from './gan';

describe('gan example', () => {
  it('quick configuration (conditional, 2,000 digits, width 8, 40 steps): discriminator loss falls >= 2x, the samples lose grey', async () => {
    const result = await quickRun(gan);
    expect(result.lossStart / result.lossEnd).toBeGreaterThan(2);
    // An untrained generator paints everything mid-grey (~0.4); digits are mostly black (~0.13).
    expect(result.metrics.sampleMeanPixel).toBeLessThan(result.metrics.initialMeanPixel! - 0.05);
    expect(result.metrics.sampleMeanPixel).toBeGreaterThan(result.metrics.dataMeanPixel! - 0.05);
    const shares = Array.from({ length: 10 }, (_, c) => result.metrics[`share${c}`]!);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // Conditional: the verdict also counts the samples read as the digit they were asked for.
    expect(result.metrics.askedDigit).toBeGreaterThanOrEqual(0);
    expect(result.metrics.askedDigit).toBeLessThanOrEqual(1);
    expect(result.pictures).toEqual(['samples.png', 'losses.svg']);
  });
});
