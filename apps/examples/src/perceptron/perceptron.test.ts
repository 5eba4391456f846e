import { describe, expect, it } from 'vitest';
import { quickRun } from '../shared/quick-run';
import { perceptron, TRUTH_TABLES, trainPerceptron } from './perceptron';

describe('perceptron example (quick configuration)', () => {
  it('learns AND and OR with 0 errors, never XOR, and the 2-2-1 MLP solves XOR (loss falls >= 20x)', async () => {
    const result = await quickRun(perceptron);
    expect(result.metrics.perceptronANDErrors).toBe(0);
    expect(result.metrics.perceptronORErrors).toBe(0);
    expect(result.metrics.perceptronXorFewestErrors).toBeGreaterThan(0);
    expect(result.metrics.mlpXorErrors).toBe(0);
    expect(result.lossStart / result.lossEnd).toBeGreaterThan(20);
  });

  it('the perceptron rule changes nothing once every row is right', () => {
    const { weight, bias, errors } = trainPerceptron(TRUTH_TABLES.AND, 8);
    const again = trainPerceptron(TRUTH_TABLES.AND, 9);
    expect(errors.at(-1)).toBe(0);
    expect(again.weight.toArray()).toEqual(weight.toArray());
    expect(again.bias.item()).toBe(bias.item());
  });
});
