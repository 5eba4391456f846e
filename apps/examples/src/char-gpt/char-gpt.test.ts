import { describe, expect, it } from 'vitest';
import { quickRun } from '../shared/quick-run';
import { charGpt } from './char-gpt';

describe('char-gpt example (quick configuration: 1 layer, 32 dims, 60 iterations)', () => {
  it('estimate_loss on the train split falls >= 1.3x and the val loss is below uniform guessing (ln 65)', async () => {
    const result = await quickRun(charGpt);
    expect(result.lossStart / result.lossEnd).toBeGreaterThan(1.3);
    expect(result.metrics.valLoss).toBeLessThan(Math.log(65) / 1.2);
    expect(result.metrics.tokensPerSecond).toBeGreaterThan(0);
  });
});
