import { describe, expect, it } from 'vitest';
import { quickRun } from '../shared/quick-run';
import { network20 } from './network';
import { resnet } from './resnet';

describe('resnet example', () => {
  it('plain and residual networks have 20 weight layers and the same parameters', () => {
    const plain = network20(4, false);
    const residual = network20(4, true);
    const weightLayers = plain.namedParameters().filter(([name, p]) => name.endsWith('weight') && p.rank >= 2);
    expect(weightLayers).toHaveLength(20);
    expect(residual.namedParameters().map(([name, p]) => [name, p.shape])).toEqual(
      plain.namedParameters().map(([name, p]) => [name, p.shape]),
    );
  });

  it('quick configuration (1,920 digits, width 4, 1 epoch): ResNet loss falls >= 1.2x and ends below plain', async () => {
    const result = await quickRun(resnet);
    expect(result.lossStart / result.lossEnd).toBeGreaterThan(1.2);
    expect(result.metrics.resnetLossEpoch1).toBeLessThan(result.metrics.plainLossEpoch1!);
    expect(result.metrics.resnetTestAccuracy).toBeGreaterThanOrEqual(0.5);
  });
});
