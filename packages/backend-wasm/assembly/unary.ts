// Elementwise ops of one input over a contiguous run (float32 or int32), the casts between the two, and ReLU's
// backward pass: the unary family of the kernel spec.
//
// A plain unary op lives in this file alone. To add one, say the spec's `Softplus`:
//   1. add `Softplus` to `UnaryOp` (its exact kernel name). The backend installs a kernel for every member it finds
//      among the module's exports (src/kernels/unary.ts): the op's attributes, in the order its spec's parseArgs
//      returns them, arrive here as `p` and `q` (numbers; booleans as 0 and 1);
//   2. give its value in `scalarOp`, in f64: float32 inputs round the result once, int32 inputs (ops the spec lets
//      take them) wrap it as the reference backend's typed-array store does;
//   3. for speed, a four-lane float32 form in `vectorOp` (and a `true` in `hasVector`), and a case in `unary()`'s
//      switch, which gives the op a loop of its own instead of a loop that switches per element.
import { toInt32 } from './int32';

/** The ops, by kernel name (exported: `UnaryOp.Neg` is a global of the module, whose value is the op's code). */
export enum UnaryOp {
  Neg,
  Exp,
  Log,
  Sqrt,
  Abs,
  Square,
  Relu,
  Sigmoid,
  Tanh,
  LeakyRelu,
  Clip,
}

// @ts-ignore: decorator
@inline
function scalarOp(op: UnaryOp, v: f64, p: f64, q: f64): f64 {
  switch (op) {
    case UnaryOp.Neg: return -v;
    case UnaryOp.Exp: return Math.exp(v);
    case UnaryOp.Log: return Math.log(v);
    case UnaryOp.Sqrt: return Math.sqrt(v);
    case UnaryOp.Abs: return Math.abs(v);
    case UnaryOp.Square: return v * v;
    // max(NaN, 0) is NaN, as torch.relu gives.
    case UnaryOp.Relu: return max<f64>(v, 0);
    // exp of a non-positive argument only, so neither branch overflows.
    case UnaryOp.Sigmoid: return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    case UnaryOp.Tanh: return Math.tanh(v);
    case UnaryOp.LeakyRelu: return v < 0 ? p * v : v;
    case UnaryOp.Clip: return v < p ? p : min<f64>(v, q);
    default: unreachable();
  }
  return 0;
}

/** int32 inputs: the f64 value wrapped, except where a product of two int32s would not be exact in a double. */
// @ts-ignore: decorator
@inline
function intOp(op: UnaryOp, v: i32, p: f64, q: f64): i32 {
  if (op == UnaryOp.Square) return v * v;
  return toInt32(scalarOp(op, <f64>v, p, q));
}

// @ts-ignore: decorator
@inline
function hasVector(op: UnaryOp): bool {
  switch (op) {
    case UnaryOp.Neg:
    case UnaryOp.Exp:
    case UnaryOp.Sqrt:
    case UnaryOp.Abs:
    case UnaryOp.Square:
    case UnaryOp.Relu:
    case UnaryOp.Sigmoid:
    case UnaryOp.LeakyRelu:
    case UnaryOp.Clip:
      return true;
    default:
      return false;
  }
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
function vectorOp(op: UnaryOp, v: v128, p: v128, q: v128): v128 {
  switch (op) {
    case UnaryOp.Neg: return f32x4.neg(v);
    case UnaryOp.Exp: return expLanes(v);
    // 1 / (1 + e^-x): e^-x overflowing to Infinity gives exactly 0.
    case UnaryOp.Sigmoid: return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expLanes(f32x4.neg(v))));
    case UnaryOp.Sqrt: return f32x4.sqrt(v);
    case UnaryOp.Abs: return f32x4.abs(v);
    case UnaryOp.Square: return f32x4.mul(v, v);
    case UnaryOp.Relu: return f32x4.max(v, f32x4.splat(0));
    case UnaryOp.LeakyRelu: return v128.bitselect(f32x4.mul(v, p), v, f32x4.lt(v, f32x4.splat(0)));
    case UnaryOp.Clip: return v128.bitselect(p, f32x4.min(v, q), f32x4.lt(v, p));
    default: unreachable();
  }
  return v;
}

// @ts-ignore: decorator
@inline
function runFloat(op: UnaryOp, x: usize, out: usize, n: i32, p: f64, q: f64): void {
  let i = 0;
  if (hasVector(op)) {
    const pv = f32x4.splat(<f32>p);
    const qv = f32x4.splat(<f32>q);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, vectorOp(op, v128.load(x + o), pv, qv));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, <f32>scalarOp(op, <f64>load<f32>(x + o), p, q));
  }
}

/**
 * out[i] = op(x[i]) for i < n, float32 or (`int`) int32. `p`, `q` are the op's attributes (LeakyRelu alpha,
 * Clip min/max), exact as the caller's doubles.
 */
export function unary(op: UnaryOp, int: bool, x: usize, out: usize, n: i32, p: f64, q: f64): void {
  if (int) {
    // Rare (only ops the spec lets take int32): one loop for every op.
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      store<i32>(out + o, intOp(op, load<i32>(x + o), p, q));
    }
    return;
  }
  switch (op) {
    case UnaryOp.Neg: runFloat(UnaryOp.Neg, x, out, n, p, q); break;
    case UnaryOp.Exp: runFloat(UnaryOp.Exp, x, out, n, p, q); break;
    case UnaryOp.Log: runFloat(UnaryOp.Log, x, out, n, p, q); break;
    case UnaryOp.Sqrt: runFloat(UnaryOp.Sqrt, x, out, n, p, q); break;
    case UnaryOp.Abs: runFloat(UnaryOp.Abs, x, out, n, p, q); break;
    case UnaryOp.Square: runFloat(UnaryOp.Square, x, out, n, p, q); break;
    case UnaryOp.Relu: runFloat(UnaryOp.Relu, x, out, n, p, q); break;
    case UnaryOp.Sigmoid: runFloat(UnaryOp.Sigmoid, x, out, n, p, q); break;
    case UnaryOp.Tanh: runFloat(UnaryOp.Tanh, x, out, n, p, q); break;
    case UnaryOp.LeakyRelu: runFloat(UnaryOp.LeakyRelu, x, out, n, p, q); break;
    case UnaryOp.Clip: runFloat(UnaryOp.Clip, x, out, n, p, q); break;
    default: runFloat(op, x, out, n, p, q);
  }
}

/** float32 -> int32 like the reference's typed-array store (see int32.ts). */
export function castF32ToI32(x: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<i32>(out + o, toInt32(<f64>load<f32>(x + o)));
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

/** out = dy where y > 0, else 0 (NaN y gives 0), float32 or (`int`) int32: one masked pass instead of greater + where. */
export function reluBackward(int: bool, dy: usize, y: usize, out: usize, n: i32): void {
  let i = 0;
  const zero = i32x4.splat(0);
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const yv = v128.load(y + o);
    v128.store(out + o, v128.and(v128.load(dy + o), int ? i32x4.gt_s(yv, zero) : f32x4.gt(yv, zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const positive = int ? load<i32>(y + o) > 0 : load<f32>(y + o) > 0;
    store<u32>(out + o, positive ? load<u32>(dy + o) : 0);
  }
}
