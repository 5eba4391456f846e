// The Gauss error function in f64, as the reference backend computes it (packages/tensor/src/backends/cpu/erf.ts).

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;

/**
 * erf(x) from the series 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1 * 3 * ... * (2n+1)): every term has the
 * sign of x, so nothing cancels. Past |x| = 6 erf is +-1 in f64, which also bounds the number of terms.
 */
export function erf(x: f64): f64 {
  if (isNaN<f64>(x)) return x;
  if (x >= 6) return 1;
  if (x <= -6) return -1;
  const x2 = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= x2 / <f64>(2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
}
