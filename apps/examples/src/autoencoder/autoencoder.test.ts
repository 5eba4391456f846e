import { describe, expect, it } from 'vitest';
import { quickRun } from '../shared/quick-run';
import { autoencoder } from './autoencoder';

describe('autoencoder example', () => {
  it('quick configuration (1,000 digits, 3 epochs): MSE falls >= 3x, test MSE <= 0.05 per pixel', async () => {
    const result = await quickRun(autoencoder);
    expect(result.lossStart / result.lossEnd).toBeGreaterThan(3);
    expect(result.metrics.testMse).toBeLessThanOrEqual(0.05);
    expect(result.pictures).toEqual(['reconstructions.png']);
  });
});
