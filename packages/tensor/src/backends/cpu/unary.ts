/** Elementwise kernels of one input (output dtype = input dtype, except Cast), and ReluBackward. */
import { type Backend, type KernelFn, outputInfo } from '../../backend/interface';
import type { TensorInfo, TypedArray } from '../../types';
import { typedArrayFor } from '../../types';
import { erf } from './erf';

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

enum Op {
  Neg,
  Exp,
  Log,
  Sqrt,
  Abs,
  Square,
  IntSquare,
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
  GeluTanh,
  Silu,
  Elu,
}

/** One hand-written loop per op, for the same reason as in binary.ts. `p` and `q` are op parameters. */
function runUnary(op: Op, x: TypedArray, out: TypedArray, p: number, q: number): void {
  const n = out.length;
  switch (op) {
    case Op.Neg:
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return;
    case Op.Exp:
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      return;
    case Op.Log:
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!);
      return;
    case Op.Sqrt:
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!);
      return;
    case Op.Abs:
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!);
      return;
    case Op.Square:
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v * v;
      }
      return;
    case Op.IntSquare:
      // A product of two int32s is not exact in a double; imul wraps like int32 arithmetic.
      for (let i = 0; i < n; i++) out[i] = Math.imul(x[i]!, x[i]!);
      return;
    case Op.Relu:
      // Math.max passes NaN through, as torch.relu does.
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = Math.max(v, 0);
      }
      return;
    case Op.Sigmoid:
      // exp of a negative argument only, so neither branch overflows for large |v|.
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        if (v >= 0) {
          out[i] = 1 / (1 + Math.exp(-v));
        } else {
          const e = Math.exp(v);
          out[i] = e / (1 + e);
        }
      }
      return;
    case Op.Tanh:
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
      return;
    case Op.LeakyRelu:
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v < 0 ? p * v : v;
      }
      return;
    case Op.Clip:
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v < p ? p : Math.min(v, q);
      }
      return;
    case Op.Softplus:
      // p = beta, q = threshold. log1p keeps the small values of a very negative input; past the threshold the
      // log term rounds to x anyway, and exp would overflow.
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        const bv = p * v;
        out[i] = bv > q ? v : Math.log1p(Math.exp(bv)) / p;
      }
      return;
    case Op.Sign:
      // NaN gives 0, as torch.sign.
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? 1 : v < 0 ? -1 : 0;
      }
      return;
    case Op.Floor:
      for (let i = 0; i < n; i++) out[i] = Math.floor(x[i]!);
      return;
    case Op.Ceil:
      for (let i = 0; i < n; i++) out[i] = Math.ceil(x[i]!);
      return;
    case Op.Round:
      // Math.round sends halves up; torch.round sends them to the even neighbour.
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        const r = Math.round(v);
        out[i] = r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
      }
      return;
    case Op.Sin:
      for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]!);
      return;
    case Op.Cos:
      for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]!);
      return;
    case Op.Erf:
      for (let i = 0; i < n; i++) out[i] = erf(x[i]!);
      return;
    case Op.Log1p:
      for (let i = 0; i < n; i++) out[i] = Math.log1p(x[i]!);
      return;
    case Op.Expm1:
      for (let i = 0; i < n; i++) out[i] = Math.expm1(x[i]!);
      return;
    case Op.Reciprocal:
      for (let i = 0; i < n; i++) out[i] = 1 / x[i]!;
      return;
    case Op.Rsqrt:
      for (let i = 0; i < n; i++) out[i] = 1 / Math.sqrt(x[i]!);
      return;
    case Op.Gelu:
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = 0.5 * v * (1 + erf(v * SQRT1_2));
      }
      return;
    case Op.GeluTanh:
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
      }
      return;
    case Op.Silu:
      // v * sigmoid(v), with the sigmoid written so exp never overflows.
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        if (v >= 0) {
          out[i] = v / (1 + Math.exp(-v));
        } else {
          const e = Math.exp(v);
          out[i] = (v * e) / (1 + e);
        }
      }
      return;
    case Op.Elu:
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? v : p * Math.expm1(v);
      }
      return;
  }
}

function apply(backend: Backend, op: Op, x: TensorInfo, p = 0, q = 0): TensorInfo {
  const values = backend.readSync(x.dataId);
  const out = typedArrayFor(x.dtype, values.length);
  runUnary(op, values, out, p, q);
  return outputInfo(backend, out, x.shape, x.dtype);
}

type PlainUnary =
  | 'Neg'
  | 'Exp'
  | 'Log'
  | 'Sqrt'
  | 'Abs'
  | 'Relu'
  | 'Sigmoid'
  | 'Tanh'
  | 'Sin'
  | 'Cos'
  | 'Erf'
  | 'Log1p'
  | 'Expm1'
  | 'Reciprocal'
  | 'Rsqrt'
  | 'Silu';
/** Rounding ops: int32 values are integers already. */
type Rounding = 'Sign' | 'Floor' | 'Ceil' | 'Round';

function unaryKernel<K extends PlainUnary | Rounding>(op: Op): KernelFn<K> {
  return ({ inputs: { x }, backend }) => apply(backend, op, x);
}

/**
 * Typed-array assignment converts like a C cast with ToInt32 for int32: truncation toward zero (as
 * torch's .to(torch.int32)), NaN to 0, and out-of-range values wrapped.
 */
const cast: KernelFn<'Cast'> = ({ inputs: { x }, outputs: [{ shape, dtype }], backend }) => {
  const values = backend.readSync(x.dataId);
  const out = typedArrayFor(dtype, values.length);
  out.set(values);
  return outputInfo(backend, out, shape, dtype);
};

const reluBackward: KernelFn<'ReluBackward'> = ({ inputs: { dy, y }, backend }) => {
  const g = backend.readSync(dy.dataId);
  const out = backend.readSync(y.dataId);
  const result = typedArrayFor(dy.dtype, g.length);
  for (let i = 0; i < g.length; i++) result[i] = out[i]! > 0 ? g[i]! : 0;
  return outputInfo(backend, result, dy.shape, dy.dtype);
};

/** dy * gelu'(x): Phi(x) + x phi(x), or the derivative of the tanh form 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3). */
const geluBackward: KernelFn<'GeluBackward'> = ({ inputs: { dy, x }, attrs: { tanh }, backend }) => {
  const g = backend.readSync(dy.dataId);
  const v = backend.readSync(x.dataId);
  const result = typedArrayFor(dy.dtype, g.length);
  if (tanh) {
    for (let i = 0; i < g.length; i++) {
      const xi = v[i]!;
      const t = Math.tanh(SQRT_2_OVER_PI * (xi + 0.044715 * xi * xi * xi));
      const du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * xi * xi);
      result[i] = g[i]! * (0.5 * (1 + t) + 0.5 * xi * (1 - t * t) * du);
    }
  } else {
    for (let i = 0; i < g.length; i++) {
      const xi = v[i]!;
      result[i] = g[i]! * (0.5 * (1 + erf(xi * SQRT1_2)) + xi * Math.exp(-0.5 * xi * xi) * INV_SQRT_2PI);
    }
  }
  return outputInfo(backend, result, dy.shape, dy.dtype);
};

export const unaryKernels = {
  Neg: unaryKernel<'Neg'>(Op.Neg),
  Exp: unaryKernel<'Exp'>(Op.Exp),
  Log: unaryKernel<'Log'>(Op.Log),
  Sqrt: unaryKernel<'Sqrt'>(Op.Sqrt),
  Abs: unaryKernel<'Abs'>(Op.Abs),
  Square: (({ inputs: { x }, backend }) =>
    apply(backend, x.dtype === 'int32' ? Op.IntSquare : Op.Square, x)) satisfies KernelFn<'Square'>,
  Relu: unaryKernel<'Relu'>(Op.Relu),
  Sigmoid: unaryKernel<'Sigmoid'>(Op.Sigmoid),
  Tanh: unaryKernel<'Tanh'>(Op.Tanh),
  LeakyRelu: (({ inputs: { x }, attrs: { alpha }, backend }) =>
    apply(backend, Op.LeakyRelu, x, alpha)) satisfies KernelFn<'LeakyRelu'>,
  Clip: (({ inputs: { x }, attrs: { min, max }, backend }) =>
    apply(backend, Op.Clip, x, min, max)) satisfies KernelFn<'Clip'>,
  Softplus: (({ inputs: { x }, attrs: { beta, threshold }, backend }) =>
    apply(backend, Op.Softplus, x, beta, threshold)) satisfies KernelFn<'Softplus'>,
  Sign: unaryKernel<'Sign'>(Op.Sign),
  Floor: unaryKernel<'Floor'>(Op.Floor),
  Ceil: unaryKernel<'Ceil'>(Op.Ceil),
  Round: unaryKernel<'Round'>(Op.Round),
  Sin: unaryKernel<'Sin'>(Op.Sin),
  Cos: unaryKernel<'Cos'>(Op.Cos),
  Erf: unaryKernel<'Erf'>(Op.Erf),
  Log1p: unaryKernel<'Log1p'>(Op.Log1p),
  Expm1: unaryKernel<'Expm1'>(Op.Expm1),
  Reciprocal: unaryKernel<'Reciprocal'>(Op.Reciprocal),
  Rsqrt: unaryKernel<'Rsqrt'>(Op.Rsqrt),
  Gelu: (({ inputs: { x }, attrs: { tanh }, backend }) =>
    apply(backend, tanh ? Op.GeluTanh : Op.Gelu, x)) satisfies KernelFn<'Gelu'>,
  Silu: unaryKernel<'Silu'>(Op.Silu),
  Elu: (({ inputs: { x }, attrs: { alpha }, backend }) => apply(backend, Op.Elu, x, alpha)) satisfies KernelFn<'Elu'>,
  Cast: cast,
  ReluBackward: reluBackward,
  GeluBackward: geluBackward,
};
