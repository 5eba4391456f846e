import { describe, expect, it } from 'vitest';
import { quickRun } from '../shared/quick-run';
import { rbm } from './rbm';

describe('rbm example (quick configuration: 3,000 digits, 3 epochs of CD-1)', () => {
  it('the reconstruction error falls every epoch, and >= 4x from the first batch', async () => {
    const result = await quickRun(rbm);
    const perEpoch = [1, 2, 3].map((e) => result.metrics[`reconstructionErrorEpoch${e}`]!);
    expect(perEpoch[1]).toBeLessThan(perEpoch[0]!);
    expect(perEpoch[2]).toBeLessThan(perEpoch[1]!);
    expect(result.lossStart / result.lossEnd).toBeGreaterThan(4);
    expect(result.pictures).toEqual(['filters.png', 'gibbs-samples.png']);
  });
});
