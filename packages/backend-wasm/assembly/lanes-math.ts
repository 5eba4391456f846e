/**
 * Four-lane float32 math for the SIMD kernels: exp, erf and GELU from a table of splatted constants (see `Lanes`).
 * unary.ts (Exp, Erf, Gelu, Sigmoid, Silu, Elu), attention.ts and recurrent.ts use it.
 */

export const SQRT1_2: f64 = 0.7071067811865476;
export const SQRT_2_OVER_PI: f64 = 0.7978845608028654;
export const INV_SQRT_2PI: f64 = 0.3989422804014327;

/**
 * The constants of the four-lane math below, each splatted to a v128 in this table: V8 rebuilds a v128.const from
 * immediates at every use (several instructions, not hoisted out of loops), where a load from here is one. The
 * members of `Lanes` index the table, in order.
 */
enum Lanes {
  ExpMax,
  ExpMin,
  Log2E,
  Ln2Hi,
  Ln2Lo,
  Exp6,
  Exp5,
  Exp4,
  Exp3,
  Exp2,
  Exp1,
  Inf,
  ErfcP,
  Erfc5,
  Erfc4,
  Erfc3,
  Erfc2,
  Erfc1,
  Erf11,
  Erf9,
  Erf7,
  Erf5,
  Erf3,
  TwoOverSqrtPi,
  Two,
  NegZero,
  Sqrt2OverPi,
  GeluCubic,
  MinusTwo,
  Sqrt1_2,
  Half,
  One,
  Magic,
  GeluCubic3,
  MinusHalf,
  InvSqrt2Pi,
}

const LANE_TABLE = memory.data<f32>(
  [
    88.72283935546875, 88.72283935546875, 88.72283935546875, 88.72283935546875,
    -103.97208, -103.97208, -103.97208, -103.97208,
    1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341,
    0.693359375, 0.693359375, 0.693359375, 0.693359375,
    -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4,
    1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4,
    1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
    8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3,
    4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
    1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1,
    5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,
    Infinity, Infinity, Infinity, Infinity,
    0.3275911, 0.3275911, 0.3275911, 0.3275911,
    1.061405429, 1.061405429, 1.061405429, 1.061405429,
    -1.453152027, -1.453152027, -1.453152027, -1.453152027,
    1.421413741, 1.421413741, 1.421413741, 1.421413741,
    -0.284496736, -0.284496736, -0.284496736, -0.284496736,
    0.254829592, 0.254829592, 0.254829592, 0.254829592,
    <f32>(-1.0 / 1320), <f32>(-1.0 / 1320), <f32>(-1.0 / 1320), <f32>(-1.0 / 1320),
    <f32>(1.0 / 216), <f32>(1.0 / 216), <f32>(1.0 / 216), <f32>(1.0 / 216),
    <f32>(-1.0 / 42), <f32>(-1.0 / 42), <f32>(-1.0 / 42), <f32>(-1.0 / 42),
    <f32>(1.0 / 10), <f32>(1.0 / 10), <f32>(1.0 / 10), <f32>(1.0 / 10),
    <f32>(-1.0 / 3), <f32>(-1.0 / 3), <f32>(-1.0 / 3), <f32>(-1.0 / 3),
    <f32>1.1283791670955126, <f32>1.1283791670955126, <f32>1.1283791670955126, <f32>1.1283791670955126,
    2, 2, 2, 2,
    -0.0, -0.0, -0.0, -0.0,
    <f32>SQRT_2_OVER_PI, <f32>SQRT_2_OVER_PI, <f32>SQRT_2_OVER_PI, <f32>SQRT_2_OVER_PI,
    0.044715, 0.044715, 0.044715, 0.044715,
    -2, -2, -2, -2,
    <f32>SQRT1_2, <f32>SQRT1_2, <f32>SQRT1_2, <f32>SQRT1_2,
    0.5, 0.5, 0.5, 0.5,
    1, 1, 1, 1,
    // Magic: 1.5 * 2^23, whose sum with an integral float n in (-2^22, 2^22) holds n in its low mantissa bits.
    12582912, 12582912, 12582912, 12582912,
    <f32>(3 * 0.044715), <f32>(3 * 0.044715), <f32>(3 * 0.044715), <f32>(3 * 0.044715),
    -0.5, -0.5, -0.5, -0.5,
    <f32>INV_SQRT_2PI, <f32>INV_SQRT_2PI, <f32>INV_SQRT_2PI, <f32>INV_SQRT_2PI,
  ],
  16,
);

/** Constant `index` of the table, in all four lanes. */
// @ts-ignore: decorator
@inline
function lanes(index: Lanes): v128 {
  return v128.load(LANE_TABLE + (<usize>index << 4));
}

/** int32 lanes: the exponent bias 127, and the bits of Magic. */
const INT_LANE_TABLE = memory.data<i32>([127, 127, 127, 127, 0x4b400000, 0x4b400000, 0x4b400000, 0x4b400000], 16);

/**
 * exp of four lanes (Cephes expf: x = n ln2 + r, |r| <= ln2/2, a degree-6 polynomial for e^r, times 2^n):
 * within 2 ulp of the correctly rounded result for normal results. 2^n is applied as two powers of two, so
 * results near the top of the range and subnormal ones come out right. Overflow gives +Infinity, NaN stays
 * NaN, and arguments below -103.97 (results under the smallest subnormal) give 0.
 */
// @ts-ignore: decorator
@inline
export function expLanes(x: v128): v128 {
  const clamped = f32x4.pmax(f32x4.pmin(x, lanes(Lanes.ExpMax)), lanes(Lanes.ExpMin));
  const n = f32x4.floor(f32x4.add(f32x4.mul(clamped, lanes(Lanes.Log2E)), lanes(Lanes.Half)));
  // r = x - n ln2, with ln2 split in two so the product is exact.
  let r = f32x4.sub(clamped, f32x4.mul(n, lanes(Lanes.Ln2Hi)));
  r = f32x4.sub(r, f32x4.mul(n, lanes(Lanes.Ln2Lo)));
  let p = lanes(Lanes.Exp6);
  p = f32x4.add(f32x4.mul(p, r), lanes(Lanes.Exp5));
  p = f32x4.add(f32x4.mul(p, r), lanes(Lanes.Exp4));
  p = f32x4.add(f32x4.mul(p, r), lanes(Lanes.Exp3));
  p = f32x4.add(f32x4.mul(p, r), lanes(Lanes.Exp2));
  p = f32x4.add(f32x4.mul(p, r), lanes(Lanes.Exp1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), lanes(Lanes.One));
  // 2^n = 2^(n >> 1) * 2^(n - (n >> 1)): each factor a normal float for n in [-150, 128].
  // n as int32 (n is integral, in [-150, 128]): the low bits of n + Magic (cheaper than trunc_sat in V8).
  const ni = i32x4.sub(f32x4.add(n, lanes(Lanes.Magic)), v128.load(INT_LANE_TABLE, 16));
  const half = i32x4.shr_s(ni, 1);
  const bias = v128.load(INT_LANE_TABLE);
  const scale1 = i32x4.shl(i32x4.add(half, bias), 23);
  const scale2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), bias), 23);
  let y = f32x4.mul(f32x4.mul(p, scale1), scale2);
  y = v128.bitselect(lanes(Lanes.Inf), y, f32x4.gt(x, lanes(Lanes.ExpMax)));
  return v128.bitselect(f32x4.splat(0), y, f32x4.lt(x, lanes(Lanes.ExpMin)));
}

/**
 * erfc(a) of four lanes of a >= 0 (Abramowitz & Stegun 7.1.26: t = 1 / (1 + 0.3275911 a), a degree-5 polynomial
 * in t times exp(-a^2); absolute error under 1.5e-7, float32's own spacing near 1). Computed as erfc, not 1 - erf,
 * so the tails that GELU needs keep their relative precision.
 */
// @ts-ignore: decorator
@inline
function erfcLanes(a: v128): v128 {
  return erfcTimesLanes(a, expLanes(f32x4.neg(f32x4.mul(a, a))));
}

/** erfc(a) given e = exp(-a^2) (GELU's derivative has it already, as its normal density's exponential). */
// @ts-ignore: decorator
@inline
function erfcTimesLanes(a: v128, e: v128): v128 {
  const t = f32x4.div(lanes(Lanes.One), f32x4.add(lanes(Lanes.One), f32x4.mul(lanes(Lanes.ErfcP), a)));
  let poly = lanes(Lanes.Erfc5);
  poly = f32x4.add(f32x4.mul(poly, t), lanes(Lanes.Erfc4));
  poly = f32x4.add(f32x4.mul(poly, t), lanes(Lanes.Erfc3));
  poly = f32x4.add(f32x4.mul(poly, t), lanes(Lanes.Erfc2));
  poly = f32x4.add(f32x4.mul(poly, t), lanes(Lanes.Erfc1));
  return f32x4.mul(f32x4.mul(poly, t), e);
}

/**
 * erf(z) of four lanes for |z| < 0.5, from its Taylor series 2/sqrt(pi) (z - z^3/3 + z^5/10 - z^7/42 + z^9/216 -
 * z^11/1320), whose next term is under 2e-8 there: near 0, where 1 - erfc(z) would keep only absolute precision.
 */
// @ts-ignore: decorator
@inline
function erfSmallLanes(z: v128): v128 {
  const z2 = f32x4.mul(z, z);
  let s = lanes(Lanes.Erf11);
  s = f32x4.add(f32x4.mul(s, z2), lanes(Lanes.Erf9));
  s = f32x4.add(f32x4.mul(s, z2), lanes(Lanes.Erf7));
  s = f32x4.add(f32x4.mul(s, z2), lanes(Lanes.Erf5));
  s = f32x4.add(f32x4.mul(s, z2), lanes(Lanes.Erf3));
  s = f32x4.add(f32x4.mul(s, z2), lanes(Lanes.One));
  return f32x4.mul(f32x4.mul(s, z), lanes(Lanes.TwoOverSqrtPi));
}

/** 1 + erf(z) of four lanes: 1 + the series near 0, erfc(-z) for negative z (no cancellation), else 2 - erfc(z). */
// @ts-ignore: decorator
@inline
function onePlusErfLanes(z: v128): v128 {
  return onePlusErfTimesLanes(z, expLanes(f32x4.neg(f32x4.mul(z, z))));
}

/** 1 + erf(z) given e = exp(-z^2). */
// @ts-ignore: decorator
@inline
function onePlusErfTimesLanes(z: v128, e: v128): v128 {
  const a = f32x4.abs(z);
  const c = erfcTimesLanes(a, e);
  const tails = v128.bitselect(c, f32x4.sub(lanes(Lanes.Two), c), f32x4.lt(z, f32x4.splat(0)));
  return v128.bitselect(f32x4.add(lanes(Lanes.One), erfSmallLanes(z)), tails, f32x4.lt(a, lanes(Lanes.Half)));
}

/** erf(z) of four lanes: the series near 0 (relative precision), +-(1 - erfc(|z|)) elsewhere. */
// @ts-ignore: decorator
@inline
export function erfLanes(z: v128): v128 {
  const a = f32x4.abs(z);
  const far = f32x4.sub(lanes(Lanes.One), erfcLanes(a));
  // The sign of z onto 1 - erfc(|z|) (NaN stays NaN).
  const signed = v128.or(far, v128.and(z, lanes(Lanes.NegZero)));
  return v128.bitselect(erfSmallLanes(z), signed, f32x4.lt(a, lanes(Lanes.Half)));
}

/**
 * GELU of four lanes: x * Phi(x) = x/2 * (1 + erf(x / sqrt 2)), or with `tanh` PyTorch's approximation,
 * x/2 * (1 + tanh(u)) = x / (1 + exp(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3).
 */
// @ts-ignore: decorator
@inline
export function geluLanes(x: v128, tanh: bool): v128 {
  if (tanh) {
    const cube = f32x4.mul(f32x4.mul(x, x), x);
    const u = f32x4.mul(lanes(Lanes.Sqrt2OverPi), f32x4.add(x, f32x4.mul(lanes(Lanes.GeluCubic), cube)));
    return f32x4.div(x, f32x4.add(lanes(Lanes.One), expLanes(f32x4.mul(lanes(Lanes.MinusTwo), u))));
  }
  return f32x4.mul(f32x4.mul(lanes(Lanes.Half), x), onePlusErfLanes(f32x4.mul(x, lanes(Lanes.Sqrt1_2))));
}

/**
 * gelu'(x) of four lanes: Phi(x) + x phi(x), or with `tanh` the derivative of PyTorch's tanh form,
 * (1 + t) / 2 + x (1 - t^2) u' / 2 with t = tanh(u) = 1 - 2 / (1 + exp(2u)) (exactly +-1 where exp overflows or
 * underflows) and u' = sqrt(2/pi) (1 + 3 * 0.044715 x^2).
 */
// @ts-ignore: decorator
@inline
export function geluSlopeLanes(x: v128, tanh: bool): v128 {
  const one = lanes(Lanes.One);
  const half = lanes(Lanes.Half);
  const x2 = f32x4.mul(x, x);
  if (tanh) {
    const u = f32x4.mul(lanes(Lanes.Sqrt2OverPi), f32x4.add(x, f32x4.mul(lanes(Lanes.GeluCubic), f32x4.mul(x2, x))));
    const t = f32x4.sub(one, f32x4.div(lanes(Lanes.Two), f32x4.add(one, expLanes(f32x4.add(u, u)))));
    const du = f32x4.mul(lanes(Lanes.Sqrt2OverPi), f32x4.add(one, f32x4.mul(lanes(Lanes.GeluCubic3), x2)));
    const slope = f32x4.mul(f32x4.mul(f32x4.mul(half, x), f32x4.sub(one, f32x4.mul(t, t))), du);
    return f32x4.add(f32x4.mul(half, f32x4.add(one, t)), slope);
  }
  // exp(-x^2 / 2) once: the normal density's, and erfc's exp(-z^2) at z = x / sqrt 2.
  const e = expLanes(f32x4.mul(lanes(Lanes.MinusHalf), x2));
  const cdf = f32x4.mul(half, onePlusErfTimesLanes(f32x4.mul(x, lanes(Lanes.Sqrt1_2)), e));
  return f32x4.add(cdf, f32x4.mul(x, f32x4.mul(e, lanes(Lanes.InvSqrt2Pi))));
}
