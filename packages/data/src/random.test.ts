import { describe, expect, it } from 'vitest';
import { Rng } from './random';

describe('Rng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Rng(42)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Rng(42)),
    );
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextUint32()
      )(new Rng(43)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('gives the same permutation on every run (pinned values)', () => {
    const p = Array.from(new Rng(0).permutation(10));
    expect([...p].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(p).toEqual(Array.from(new Rng(0).permutation(10)));
  });

  it('next() is in [0, 1) and roughly uniform', () => {
    const r = new Rng(7);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const v = r.next();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      sum += v;
    }
    expect(sum / 10000).toBeCloseTo(0.5, 1);
  });
});
