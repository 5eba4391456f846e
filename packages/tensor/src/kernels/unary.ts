/**
 * Unary elementwise kernels: one input, an output of its shape and dtype (Cast: the dtype asked for); and
 * ReluBackward, relu's fused derivative.
 *
 * A plain unary op is declared by its entry alone: `unary('softplus', ...)` below gives the kernel spec, the
 * function (exported at the end of this file: `softplus(x)`) and the method (`x.softplus()`, which `tensor.ts`
 * installs on Tensor from this table). Its numbers live in the backends, its derivative in autograd's
 * `grads/unary.ts`.
 */
import { DTypeError, fmtShape, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import type { DType } from '../types';
import { checkOptions, describeValue, type OptionKeys } from '../util/options';
import { type GeluOptions, geluTanhOf } from './gelu-options';
import { assertSameShapeAndDType, defineKernel, type KernelSpec, type NoAttrs } from './spec';

/** The spec of a plain unary op: `op` is also the name of its function and of its Tensor method. */
export interface UnaryOpSpec<Op extends string, A, Args extends unknown[]>
  extends KernelSpec<{ readonly x: 'tensor' }, A, 1> {
  readonly op: Op;
  /** Turns the arguments after `x` (as the function and the method take them) into the kernel's attributes. */
  readonly parseArgs: (...args: Args) => A;
}

interface UnaryOptions<A, Args extends unknown[]> {
  /** int32 inputs are a DTypeError (exp, log, ...: the result would not be an integer). */
  floatOnly?: boolean;
  /** Validates the op's extra arguments and makes the attributes; ops without arguments take none. */
  parseArgs?: (...args: Args) => A;
}

const NO_ATTRS: NoAttrs = {};

/** Options of `softplus`. */
export interface SoftplusOptions {
  /** Scales x inside and the result outside: log(1 + exp(beta * x)) / beta. */
  beta?: number;
  /** Past beta * x > threshold the result is x itself (the log term equals it to float precision). */
  threshold?: number;
}
const SOFTPLUS_OPTIONS: OptionKeys<SoftplusOptions> = { beta: true, threshold: true };

export type { GeluOptions } from './gelu-options';

function unary<const Op extends string, A = NoAttrs, Args extends unknown[] = []>(
  op: Op,
  { floatOnly = false, parseArgs = () => NO_ATTRS as A }: UnaryOptions<A, Args> = {},
): UnaryOpSpec<Op, A, Args> {
  const spec = defineKernel({
    op,
    inputs: { x: 'tensor' },
    infer: ({ x }, _attrs: A) => {
      if (floatOnly && x.dtype === 'int32') {
        throw new DTypeError(`${op}: needs a float tensor, got int32 ${fmtShape(x.shape)}; cast it first`);
      }
      return [x];
    },
  });
  return { ...spec, op, parseArgs };
}

const specs = {
  Neg: unary('neg'),
  Exp: unary('exp', { floatOnly: true }),
  Log: unary('log', { floatOnly: true }),
  Sqrt: unary('sqrt', { floatOnly: true }),
  Abs: unary('abs'),
  Square: unary('square'),
  Relu: unary('relu'),
  Sigmoid: unary('sigmoid', { floatOnly: true }),
  Tanh: unary('tanh', { floatOnly: true }),
  LeakyRelu: unary('leakyRelu', {
    parseArgs: (alpha = 0.01) => {
      if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
        throw new ValueError(`leakyRelu: alpha must be a finite number, got ${alpha}`);
      }
      return { alpha };
    },
  }),
  Clip: unary('clip', {
    parseArgs: (min: number, max: number) => {
      if (typeof min !== 'number' || typeof max !== 'number' || Number.isNaN(min) || Number.isNaN(max) || min > max) {
        throw new ValueError(`clip: need numbers with min <= max, got min=${min}, max=${max}`);
      }
      return { min, max };
    },
  }),
  Softplus: unary('softplus', {
    floatOnly: true,
    parseArgs: (options: SoftplusOptions = {}) => {
      checkOptions('softplus', options, SOFTPLUS_OPTIONS);
      const { beta = 1, threshold = 20 } = options;
      if (typeof beta !== 'number' || !Number.isFinite(beta) || beta === 0) {
        throw new ValueError(`softplus: beta must be a finite non-zero number, got ${describeValue(beta)}`);
      }
      if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
        throw new ValueError(`softplus: threshold must be a number, got ${describeValue(threshold)}`);
      }
      return { beta, threshold };
    },
  }),
  Sign: unary('sign'),
  Floor: unary('floor'),
  Ceil: unary('ceil'),
  Round: unary('round'),
  Sin: unary('sin', { floatOnly: true }),
  Cos: unary('cos', { floatOnly: true }),
  Erf: unary('erf', { floatOnly: true }),
  Log1p: unary('log1p', { floatOnly: true }),
  Expm1: unary('expm1', { floatOnly: true }),
  Reciprocal: unary('reciprocal', { floatOnly: true }),
  Rsqrt: unary('rsqrt', { floatOnly: true }),
  Gelu: unary('gelu', {
    floatOnly: true,
    // A boolean attribute: backends get attributes as numbers (see CONTRIBUTING, "a plain unary op").
    parseArgs: (options: GeluOptions = {}) => ({ tanh: geluTanhOf('gelu', options) }),
  }),
  Silu: unary('silu', { floatOnly: true }),
  Elu: unary('elu', {
    floatOnly: true,
    parseArgs: (alpha = 1) => {
      if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
        throw new ValueError(`elu: alpha must be a finite number, got ${describeValue(alpha)}`);
      }
      return { alpha };
    },
  }),
  /** Typed-array conversion: float -> int32 truncates toward zero, NaN becomes 0. */
  Cast: defineKernel({
    op: 'cast',
    inputs: { x: 'tensor' },
    infer: ({ x }, { dtype }: { dtype: DType }) => [{ shape: x.shape, dtype }],
  }),
  /** ReLU's vector-Jacobian product from its output: dy where y > 0, else 0 (NaN y gives 0). One shape, one dtype. */
  ReluBackward: defineKernel({
    op: 'reluBackward',
    inputs: { dy: 'tensor', y: 'tensor' },
    infer: ({ dy, y }) => {
      assertSameShapeAndDType('reluBackward', { dy, y }, { ints: true });
      return [dy];
    },
  }),
  /**
   * GELU's vector-Jacobian product from its input: dy * gelu'(x) in one pass (`tanh`: of PyTorch's tanh form). One
   * shape, one float dtype.
   */
  GeluBackward: defineKernel({
    op: 'geluBackward',
    inputs: { dy: 'tensor', x: 'tensor' },
    infer: ({ dy, x }, _attrs: { tanh: boolean }) => {
      assertSameShapeAndDType('geluBackward', { dy, x }, { ints: false });
      return [dy];
    },
  }),
};

export default specs;

/** The names of the kernels declared with `unary(...)`, whose functions and methods come from their entries. */
export type UnaryOpKernel = {
  [K in keyof typeof specs]: (typeof specs)[K] extends { readonly parseArgs: (...args: never[]) => unknown }
    ? K
    : never;
}[keyof typeof specs];

/** `x` must be a Tensor: the function form calls the method form, which runs the kernel. */
function unaryFunction<Op extends string, A, Args extends unknown[]>({ op }: UnaryOpSpec<Op, A, Args>) {
  return (x: Tensor, ...args: Args): Tensor => {
    const method = (x as unknown as Record<string, unknown> | null | undefined)?.[op];
    if (typeof method !== 'function') {
      throw new ValueError(`${op}: x must be a Tensor, got ${x === null ? 'null' : typeof x}`);
    }
    return (method as (...a: Args) => Tensor).apply(x, args);
  };
}

/** -x */
export const neg = unaryFunction(specs.Neg);
/** e^x */
export const exp = unaryFunction(specs.Exp);
/** Natural logarithm. */
export const log = unaryFunction(specs.Log);
/** √x, elementwise (NaN below 0). */
export const sqrt = unaryFunction(specs.Sqrt);
/** |x|, elementwise. */
export const abs = unaryFunction(specs.Abs);
/** x², elementwise. */
export const square = unaryFunction(specs.Square);
/** max(x, 0); NaN stays NaN. */
export const relu = unaryFunction(specs.Relu);
/** 1 / (1 + e^-x), computed without overflow for large |x|. */
export const sigmoid = unaryFunction(specs.Sigmoid);
/** tanh(x), elementwise. */
export const tanh = unaryFunction(specs.Tanh);
/** x where x > 0, alpha * x elsewhere (alpha = 0.01 by default). */
export const leakyRelu = unaryFunction(specs.LeakyRelu);
/** Limits every value to [min, max]. */
export const clip = unaryFunction(specs.Clip);
/**
 * PyTorch's name for `clip`.
 * @example clamp(w, -1, 1)
 */
export const clamp = clip;
/**
 * log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold (PyTorch's softplus).
 * @example softplus(x, { beta: 2 })
 */
export const softplus = unaryFunction(specs.Softplus);
/** -1, 0 or 1 by the sign of x (0 for NaN, as PyTorch); its gradient is zero. */
export const sign = unaryFunction(specs.Sign);
/** Rounds down; int32 passes through; its gradient is zero. */
export const floor = unaryFunction(specs.Floor);
/** Rounds up; int32 passes through; its gradient is zero. */
export const ceil = unaryFunction(specs.Ceil);
/** Rounds to the nearest integer, halves to even (round(2.5) = 2, as PyTorch); its gradient is zero. */
export const round = unaryFunction(specs.Round);
/** sin(x), elementwise (radians). */
export const sin = unaryFunction(specs.Sin);
/** cos(x), elementwise (radians). */
export const cos = unaryFunction(specs.Cos);
/** The Gauss error function, 2/sqrt(pi) * integral of exp(-t^2) from 0 to x. */
export const erf = unaryFunction(specs.Erf);
/** log(1 + x), exact for small x. */
export const log1p = unaryFunction(specs.Log1p);
/** exp(x) - 1, exact for small x. */
export const expm1 = unaryFunction(specs.Expm1);
/** 1 / x */
export const reciprocal = unaryFunction(specs.Reciprocal);
/** 1 / sqrt(x) */
export const rsqrt = unaryFunction(specs.Rsqrt);
/**
 * x * Phi(x), Phi the standard normal CDF; `{ approximate: 'tanh' }` uses PyTorch's tanh formula.
 * @example gelu(x, { approximate: 'tanh' })
 */
export const gelu = unaryFunction(specs.Gelu);
/** x * sigmoid(x) (also called swish). */
export const silu = unaryFunction(specs.Silu);
/**
 * x where x > 0, alpha * (exp(x) - 1) elsewhere.
 * @example elu(x, 0.5)
 */
export const elu = unaryFunction(specs.Elu);
