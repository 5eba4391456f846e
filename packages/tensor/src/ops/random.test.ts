import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { Generator } from '../util/random';
import { full, tensor } from './create';
import { bernoulli, multinomial, randint } from './random';

const mean = (values: ArrayLike<number>): number => Array.from(values).reduce((a, v) => a + v, 0) / values.length;

describe('bernoulli', () => {
  it('draws 1 with probability p (mean within 4 standard errors), keeping p`s shape and dtype', () => {
    const p = full([200, 100], 0.3, 'float64');
    const sample = bernoulli(p, { seed: 1 });
    expect(sample.shape).toEqual([200, 100]);
    expect(sample.dtype).toBe('float64');
    const values = sample.dataSync();
    expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    expect(Math.abs(mean(values) - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / values.length));
  });
  it('p = 0 and p = 1 are exact; a number p gives a scalar', () => {
    expect(bernoulli(tensor([0, 1, 0, 1]), { seed: 2 }).toArray()).toEqual([0, 1, 0, 1]);
    expect(bernoulli(1).toArray()).toBe(1);
  });
  it('is reproducible by seed and by generator state', () => {
    const p = full([50], 0.5);
    expect(bernoulli(p, { seed: 3 }).toArray()).toEqual(bernoulli(p, { seed: 3 }).toArray());
    const generator = new Generator(4);
    const state = generator.getState();
    const first = bernoulli(p, { generator }).toArray();
    expect(bernoulli(p, { generator }).toArray()).not.toEqual(first);
    generator.setState(state);
    expect(bernoulli(p, { generator }).toArray()).toEqual(first);
  });
  it('refuses probabilities outside [0, 1] and int32 p', () => {
    expect(() => bernoulli(tensor([0.5, 1.5]))).toThrow(/bernoulli: probabilities must be in \[0, 1\], got 1.5/);
    expect(() => bernoulli(tensor([1], undefined, 'int32'))).toThrow(DTypeError);
  });
});

describe('multinomial', () => {
  it('with replacement, category frequencies follow the weights (unnormalised)', () => {
    const sample = multinomial(tensor([1, 2, 7]), 20000, { replacement: true, seed: 5 });
    expect(sample.dtype).toBe('int32');
    const values = Array.from(sample.dataSync());
    [0.1, 0.2, 0.7].forEach((p, c) => {
      const freq = values.filter((v) => v === c).length / values.length;
      expect(Math.abs(freq - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / values.length));
    });
  });
  it('without replacement, each row is a set of distinct categories, never a zero-weight one', () => {
    const probs = tensor([
      [0.2, 0, 0.5, 0.3],
      [1, 1, 1, 1],
    ]);
    const sample = multinomial(probs, 3, { seed: 6 });
    expect(sample.shape).toEqual([2, 3]);
    const rows = sample.toArray() as number[][];
    expect(new Set(rows[0]).size).toBe(3);
    expect(rows[0]).not.toContain(1);
    expect(new Set(rows[1]).size).toBe(3);
  });
  it('the first draw without replacement picks the heavier category more often', () => {
    const probs = full([4000, 2], 0).add(tensor([0.8, 0.2]));
    const first = Array.from(multinomial(probs, 1, { seed: 7 }).dataSync());
    const freq = first.filter((v) => v === 0).length / first.length;
    expect(Math.abs(freq - 0.8)).toBeLessThan(4 * Math.sqrt((0.8 * 0.2) / first.length));
  });
  it('refuses bad arguments', () => {
    expect(() => multinomial(tensor([0.5, 0.5]), 3)).toThrow(/cannot draw 3 samples without replacement from 2/);
    expect(() => multinomial(tensor([1, 0, 0]), 2)).toThrow(/1 categories of nonzero probability/);
    expect(() => multinomial(tensor([0, 0]), 1)).toThrow(/row 0 of probs sums to 0/);
    expect(() => multinomial(tensor([-1, 2]), 1)).toThrow(ValueError);
    expect(() => multinomial(tensor([[[1]]]), 1)).toThrow(ShapeError);
  });
});

describe('randint', () => {
  it('integers uniform in [low, high): every value in range, each about equally often', () => {
    const sample = randint(-3, 2, [10000], { seed: 8 });
    expect(sample.dtype).toBe('int32');
    const values = Array.from(sample.dataSync());
    for (let v = -3; v < 2; v++) {
      const freq = values.filter((x) => x === v).length / values.length;
      expect(Math.abs(freq - 0.2)).toBeLessThan(4 * Math.sqrt((0.2 * 0.8) / values.length));
    }
    expect(values.every((v) => v >= -3 && v < 2)).toBe(true);
    expect(randint(0, 10, [2, 3], { seed: 9 }).toArray()).toEqual(randint(0, 10, [2, 3], { seed: 9 }).toArray());
  });
  it('refuses an empty range and non-integer bounds', () => {
    expect(() => randint(2, 2, [1])).toThrow(/high \(2\) must be greater than low \(2\)/);
    expect(() => randint(0.5, 2, [1])).toThrow(/low must be an int32 integer/);
  });
});
