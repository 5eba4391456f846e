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
import { erf } from './erf';
import { toInt32 } from './int32';
import { erfLanes, expLanes, geluLanes, geluSlopeLanes, INV_SQRT_2PI, SQRT_2_OVER_PI, SQRT1_2 } from './lanes-math';


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
  Softplus,
  Sign,
  Floor,
  Ceil,
  Round,
  Sin,
  Cos,
  Erf,
  Log1p,
  Expm1,
  Reciprocal,
  Rsqrt,
  Gelu,
  Silu,
  Elu,
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
    // p = beta, q = threshold: past it the result is x itself (where exp would overflow).
    case UnaryOp.Softplus: return p * v > q ? v : Math.log1p(Math.exp(p * v)) / p;
    // NaN gives 0, as torch.sign.
    case UnaryOp.Sign: return v > 0 ? 1 : v < 0 ? -1 : 0;
    case UnaryOp.Floor: return Math.floor(v);
    case UnaryOp.Ceil: return Math.ceil(v);
    // wasm's nearest sends halves to the even neighbour, as torch.round does.
    case UnaryOp.Round: return nearest<f64>(v);
    case UnaryOp.Sin: return Math.sin(v);
    case UnaryOp.Cos: return Math.cos(v);
    case UnaryOp.Erf: return erf(v);
    case UnaryOp.Log1p: return Math.log1p(v);
    case UnaryOp.Expm1: return Math.expm1(v);
    case UnaryOp.Reciprocal: return 1 / v;
    case UnaryOp.Rsqrt: return 1 / Math.sqrt(v);
    // p = 1: PyTorch's tanh approximation.
    case UnaryOp.Gelu:
      return p != 0
        ? 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)))
        : 0.5 * v * (1 + erf(v * SQRT1_2));
    case UnaryOp.Silu: return v >= 0 ? v / (1 + Math.exp(-v)) : (v * Math.exp(v)) / (1 + Math.exp(v));
    case UnaryOp.Elu: return v > 0 ? v : p * Math.expm1(v);
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
    case UnaryOp.Sign:
    case UnaryOp.Floor:
    case UnaryOp.Ceil:
    case UnaryOp.Round:
    case UnaryOp.Erf:
    case UnaryOp.Reciprocal:
    case UnaryOp.Rsqrt:
    case UnaryOp.Gelu:
    case UnaryOp.Silu:
    case UnaryOp.Elu:
      return true;
    default:
      return false;
  }
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
    // (v > 0) - (v < 0) with the masks as 1.0: NaN gives 0.
    case UnaryOp.Sign:
      return f32x4.sub(
        v128.and(f32x4.gt(v, f32x4.splat(0)), f32x4.splat(1)),
        v128.and(f32x4.lt(v, f32x4.splat(0)), f32x4.splat(1)),
      );
    case UnaryOp.Floor: return f32x4.floor(v);
    case UnaryOp.Ceil: return f32x4.ceil(v);
    case UnaryOp.Round: return f32x4.nearest(v);
    case UnaryOp.Erf: return erfLanes(v);
    case UnaryOp.Reciprocal: return f32x4.div(f32x4.splat(1), v);
    case UnaryOp.Rsqrt: return f32x4.div(f32x4.splat(1), f32x4.sqrt(v));
    case UnaryOp.Gelu: return geluLanes(v, f32x4.extract_lane(p, 0) != 0);
    // x / (1 + e^-x): e^-x overflowing to Infinity gives -0 for very negative x.
    case UnaryOp.Silu: return f32x4.div(v, f32x4.add(f32x4.splat(1), expLanes(f32x4.neg(v))));
    case UnaryOp.Elu:
      return v128.bitselect(v, f32x4.mul(p, f32x4.sub(expLanes(v), f32x4.splat(1))), f32x4.gt(v, f32x4.splat(0)));
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
    case UnaryOp.Softplus: runFloat(UnaryOp.Softplus, x, out, n, p, q); break;
    case UnaryOp.Sign: runFloat(UnaryOp.Sign, x, out, n, p, q); break;
    case UnaryOp.Floor: runFloat(UnaryOp.Floor, x, out, n, p, q); break;
    case UnaryOp.Ceil: runFloat(UnaryOp.Ceil, x, out, n, p, q); break;
    case UnaryOp.Round: runFloat(UnaryOp.Round, x, out, n, p, q); break;
    case UnaryOp.Sin: runFloat(UnaryOp.Sin, x, out, n, p, q); break;
    case UnaryOp.Cos: runFloat(UnaryOp.Cos, x, out, n, p, q); break;
    case UnaryOp.Erf: runFloat(UnaryOp.Erf, x, out, n, p, q); break;
    case UnaryOp.Log1p: runFloat(UnaryOp.Log1p, x, out, n, p, q); break;
    case UnaryOp.Expm1: runFloat(UnaryOp.Expm1, x, out, n, p, q); break;
    case UnaryOp.Reciprocal: runFloat(UnaryOp.Reciprocal, x, out, n, p, q); break;
    case UnaryOp.Rsqrt: runFloat(UnaryOp.Rsqrt, x, out, n, p, q); break;
    case UnaryOp.Gelu: runFloat(UnaryOp.Gelu, x, out, n, p, q); break;
    case UnaryOp.Silu: runFloat(UnaryOp.Silu, x, out, n, p, q); break;
    case UnaryOp.Elu: runFloat(UnaryOp.Elu, x, out, n, p, q); break;
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

/** gelu'(v) in f64 (the tail of geluBackward): Phi(v) + v phi(v), or the tanh form's derivative. */
function geluSlope(v: f64, tanh: bool): f64 {
  if (tanh) {
    const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
    return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
  }
  return 0.5 * (1 + erf(v * SQRT1_2)) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
}

/** out = dy * gelu'(x), float32 (`tanh`: PyTorch's tanh form): one pass instead of gelu's derivative as ten ops. */
export function geluBackward(tanh: bool, dy: usize, x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(dy + o), geluSlopeLanes(v128.load(x + o), tanh)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, <f32>(<f64>load<f32>(dy + o) * geluSlope(<f64>load<f32>(x + o), tanh)));
  }
}
