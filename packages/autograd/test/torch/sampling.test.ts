import { readFileSync } from 'node:fs';
import { bernoulli, multinomial, randint, type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

interface SamplingCase {
  name: string;
  op: 'bernoulli' | 'multinomial' | 'randint';
  draws: number;
  frequencies: number[];
  probs?: number[];
  numSamples?: number;
  replacement?: boolean;
  low?: number;
  high?: number;
}

const cases = (
  JSON.parse(readFileSync(new URL('./sampling.json', import.meta.url), 'utf8')) as { cases: SamplingCase[] }
).cases;

/** The frequency of each outcome @nn draws, in the order the fixture lists them. */
function frequencies(c: SamplingCase): number[] {
  const n = c.draws;
  const rows = (values: number[]): Tensor =>
    tensor(
      Array.from({ length: n }, () => values),
      undefined,
      'float64',
    );
  const count = (samples: ArrayLike<number>, outcomes: number[]) =>
    outcomes.map((o) => Array.from(samples).filter((s) => s === o).length / samples.length);
  const outcomes = (length: number, start = 0) => Array.from({ length }, (_, i) => start + i);
  if (c.op === 'bernoulli') {
    const columns = bernoulli(rows(c.probs!), { seed: 11 }).mean(0);
    return Array.from(columns.dataSync());
  }
  if (c.op === 'randint')
    return count(randint(c.low!, c.high!, [n], { seed: 12 }).dataSync(), outcomes(c.high! - c.low!, c.low));
  const k = c.probs!.length;
  if (c.replacement)
    return count(multinomial(tensor(c.probs!), n, { replacement: true, seed: 13 }).dataSync(), outcomes(k));
  // Ordered pairs (first, second) without replacement, coded first * k + second as the generator did.
  const pairs = multinomial(rows(c.probs!), 2, { seed: 14 }).dataSync();
  const codes = Array.from({ length: n }, (_, i) => pairs[2 * i]! * k + pairs[2 * i + 1]!);
  return count(codes, outcomes(k * k));
}

describe('random ops agree with PyTorch 1.13 in distribution (frequencies within 5 standard errors)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const ours = frequencies(c);
      expect(ours.length).toBe(c.frequencies.length);
      c.frequencies.forEach((theirs, i) => {
        const p = (theirs + ours[i]!) / 2;
        // Two independent estimates of one frequency: their difference has variance 2 p (1 - p) / n.
        const bound = 5 * Math.sqrt((2 * p * (1 - p)) / c.draws) + 1e-9;
        expect(Math.abs(ours[i]! - theirs), `outcome ${i}: @nn ${ours[i]}, torch ${theirs}`).toBeLessThan(bound);
      });
    });
  }
});
