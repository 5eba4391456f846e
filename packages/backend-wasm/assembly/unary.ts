// Elementwise ops of one float32 input over a contiguous run. Op codes match src/kernels/unary.ts.

const NEG = 0;
const EXP = 1;
const LOG = 2;
const SQRT = 3;
const ABS = 4;
const SQUARE = 5;
const RELU = 6;
const SIGMOID = 7;
const TANH = 8;
const LEAKY_RELU = 9;
const CLIP = 10;

// @ts-ignore: decorator
@inline
function sigmoid(v: f32): f32 {
  // exp of a non-positive argument only, so neither branch overflows.
  if (v >= 0) return 1 / (1 + Mathf.exp(-v));
  const e = Mathf.exp(v);
  return e / (1 + e);
}

// @ts-ignore: decorator
@inline
function scalarOp(op: i32, v: f32, p: f32, q: f32): f32 {
  switch (op) {
    case NEG: return -v;
    case EXP: return Mathf.exp(v);
    case LOG: return Mathf.log(v);
    case SQRT: return Mathf.sqrt(v);
    case ABS: return Mathf.abs(v);
    case SQUARE: return v * v;
    // max(NaN, 0) is NaN, as torch.relu gives.
    case RELU: return max<f32>(v, 0);
    case SIGMOID: return sigmoid(v);
    case TANH: return Mathf.tanh(v);
    case LEAKY_RELU: return v < 0 ? p * v : v;
    default: return v < p ? p : min<f32>(v, q);
  }
}

// @ts-ignore: decorator
@inline
function hasVector(op: i32): bool {
  return op != LOG && op != TANH;
}

/**
 * exp of four lanes (Cephes expf: x = n ln2 + r, |r| <= ln2/2, a degree-6 polynomial for e^r, times 2^n):
 * within 2 ulp of the correctly rounded result for normal results. 2^n is applied as two powers of two, so
 * results near the top of the range and subnormal ones come out right. Overflow gives +Infinity, NaN stays
 * NaN, and arguments below -103.97 (results under the smallest subnormal) give 0.
 */
// @ts-ignore: decorator
@inline
function expLanes(x: v128): v128 {
  const clamped = f32x4.max(f32x4.min(x, f32x4.splat(88.72283935546875)), f32x4.splat(-103.97208))
  const n = f32x4.floor(f32x4.add(f32x4.mul(clamped, f32x4.splat(1.44269504088896341)), f32x4.splat(0.5)));
  // r = x - n ln2, with ln2 split in two so the product is exact.
  let r = f32x4.sub(clamped, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1));
  // 2^n = 2^(n >> 1) * 2^(n - (n >> 1)): each factor a normal float for n in [-150, 128].
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const half = i32x4.shr_s(ni, 1);
  const bias = i32x4.splat(127);
  const scale1 = i32x4.shl(i32x4.add(half, bias), 23);
  const scale2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), bias), 23);
  let y = f32x4.mul(f32x4.mul(p, scale1), scale2);
  y = v128.bitselect(f32x4.splat(Infinity), y, f32x4.gt(x, f32x4.splat(88.72283935546875)));
  return v128.bitselect(f32x4.splat(0), y, f32x4.lt(x, f32x4.splat(-103.97208)));
}

// @ts-ignore: decorator
@inline
function vectorOp(op: i32, v: v128, p: v128, q: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(v);
    case EXP: return expLanes(v);
    // 1 / (1 + e^-x): e^-x overflowing to Infinity gives exactly 0.
    case SIGMOID: return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expLanes(f32x4.neg(v))));
    case SQRT: return f32x4.sqrt(v);
    case ABS: return f32x4.abs(v);
    case SQUARE: return f32x4.mul(v, v);
    case RELU: return f32x4.max(v, f32x4.splat(0));
    case LEAKY_RELU: return v128.bitselect(f32x4.mul(v, p), v, f32x4.lt(v, f32x4.splat(0)));
    default: return v128.bitselect(p, f32x4.min(v, q), f32x4.lt(v, p));
  }
}

// @ts-ignore: decorator
@inline
function runOp(op: i32, x: usize, out: usize, n: i32, p: f32, q: f32): void {
  let i = 0;
  if (hasVector(op)) {
    const pv = f32x4.splat(p);
    const qv = f32x4.splat(q);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, vectorOp(op, v128.load(x + o), pv, qv));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, scalarOp(op, load<f32>(x + o), p, q));
  }
}

/** out[i] = op(x[i]) for i < n; `p`, `q` are the op's parameters (LeakyRelu alpha, Clip min/max). */
export function unary(op: i32, x: usize, out: usize, n: i32, p: f32, q: f32): void {
  switch (op) {
    case NEG: runOp(NEG, x, out, n, p, q); break;
    case EXP: runOp(EXP, x, out, n, p, q); break;
    case LOG: runOp(LOG, x, out, n, p, q); break;
    case SQRT: runOp(SQRT, x, out, n, p, q); break;
    case ABS: runOp(ABS, x, out, n, p, q); break;
    case SQUARE: runOp(SQUARE, x, out, n, p, q); break;
    case RELU: runOp(RELU, x, out, n, p, q); break;
    case SIGMOID: runOp(SIGMOID, x, out, n, p, q); break;
    case TANH: runOp(TANH, x, out, n, p, q); break;
    case LEAKY_RELU: runOp(LEAKY_RELU, x, out, n, p, q); break;
    default: runOp(CLIP, x, out, n, p, q);
  }
}

/**
 * float32 -> int32 like a C cast with JS's ToInt32: truncation toward zero, NaN to 0, and values outside
 * the int32 range wrapped modulo 2^32 (what a typed-array store does on the reference backend).
 */
export function castF32ToI32(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    let r: i32;
    if (Mathf.abs(v) < 2147483648.0) r = <i32>v;
    else if (isFinite<f32>(v)) r = <i32>(<i64>(<f64>v % 4294967296.0));
    else r = 0;
    store<i32>(out + o, r);
  }
}

/** int32 -> float32, rounding to nearest. */
export function castI32ToF32(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.convert_i32x4_s(v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, <f32>load<i32>(x + o));
  }
}
