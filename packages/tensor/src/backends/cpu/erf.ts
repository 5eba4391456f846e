/** The Gauss error function in float64 (JavaScript's Math has none). */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf(x) from the series 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1 * 3 * ... * (2n+1)): every term has
 * the sign of x, so nothing cancels and the sum is good to a few ulps. Past |x| = 6 erf is +-1 in float64
 * (erfc(6) = 2e-17), which also bounds the number of terms (about 110 there, 30 to 50 for |x| < 3).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x >= 6) return 1;
  if (x <= -6) return -1;
  const x2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
}
