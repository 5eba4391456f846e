import { describe, expect, it } from 'vitest';
import { quickRun } from '../shared/quick-run';
import { charGpt } from './char-gpt';

describe('char-gpt example (quick configuration: 1 layer, 2 heads, 32 dims, 60 iterations)', () => {
  it('estimate_loss on the train split falls >= 1.2x and the val loss ends below 3.5 (uniform guessing: ln 65 = 4.17)', async () => {
    const result = await quickRun(charGpt);
    // Measured on wasm with seed 0: 4.183 -> 3.168 (1.32x), val loss 3.24.
    expect(result.lossStart / result.lossEnd).toBeGreaterThan(1.2);
    expect(result.metrics.valLoss).toBeLessThan(3.5);
    expect(result.metrics.tokensPerSecond).toBeGreaterThan(0);
  });
});
