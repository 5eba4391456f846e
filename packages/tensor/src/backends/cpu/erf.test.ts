import { describe, expect, it } from 'vitest';
import { erf } from './erf';

describe('erf', () => {
  it('matches reference values (scipy.special.erf) within a few float64 ulps', () => {
    const cases: [number, number][] = [
      [0, 0],
      [1e-10, 1.1283791670955126e-10],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [-2, -0.9953222650189527],
      [3, 0.9999779095030014],
      [4.5, 0.9999999998033839],
      [5.9, 0.9999999999999999],
    ];
    for (const [x, want] of cases)
      expect(Math.abs(erf(x) - want)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(want)));
  });
  it('is odd, saturates, and passes NaN', () => {
    expect(erf(-0.7)).toBe(-erf(0.7));
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erf(-40)).toBe(-1);
    expect(erf(Number.NaN)).toBeNaN();
  });
});
