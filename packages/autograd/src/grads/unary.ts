/** Gradients of the unary kernels: unary math, activations, clip, cast, and relu's fused derivative. */

import type { Tensor } from '@nn/tensor';
import {
  add,
  cast,
  cos,
  div,
  exp,
  geluBackward,
  greater,
  less,
  mul,
  neg,
  reluBackward,
  sigmoid,
  sin,
  square,
  sub,
  tanh,
  where,
  zerosLike,
} from '@nn/tensor';
import type { GradRule } from './types';

export const Neg: GradRule<'Neg'> = {
  vjp: ({ dy }) => ({ x: () => neg(dy) }),
};

export const Exp: GradRule<'Exp'> = {
  saveOutput: true,
  vjp: ({ dy, output }) => ({ x: () => mul(dy, output) }),
};

export const Log: GradRule<'Log'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x } }) => ({ x: () => div(dy, x) }),
};

export const Sqrt: GradRule<'Sqrt'> = {
  saveOutput: true,
  vjp: ({ dy, output }) => ({ x: () => div(dy, mul(output, 2)) }),
};

/** The gradient of |x| at 0 is 0 (PyTorch's choice). */
export const Abs: GradRule<'Abs'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x } }) => ({
    x: () => where(greater(x, 0), dy, where(less(x, 0), neg(dy), 0)),
  }),
};

export const Square: GradRule<'Square'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x } }) => ({ x: () => mul(dy, mul(x, 2)) }),
};

/**
 * The gradient of relu at 0 is 0 (PyTorch's choice), computed in one fused pass: dy where the output is positive
 * (the same values as where(greater(y, 0), dy, 0)).
 */
export const Relu: GradRule<'Relu'> = {
  saveOutput: true,
  vjp: ({ dy, output }) => ({ x: () => reluBackward(dy, output) }),
};

/** Linear in dy with the same mask; y only selects, so it gets no gradient (piecewise constant). */
export const ReluBackward: GradRule<'ReluBackward'> = {
  save: ['y'],
  vjp: ({ dy, inputs: { y } }) => ({ dy: () => reluBackward(dy, y) }),
};

export const Sigmoid: GradRule<'Sigmoid'> = {
  saveOutput: true,
  vjp: ({ dy, output }) => ({ x: () => mul(dy, mul(output, sub(1, output))) }),
};

export const Tanh: GradRule<'Tanh'> = {
  saveOutput: true,
  vjp: ({ dy, output }) => ({ x: () => mul(dy, sub(1, mul(output, output))) }),
};

/** Slope 1 for x > 0, alpha elsewhere (at 0 too, like PyTorch). */
export const LeakyRelu: GradRule<'LeakyRelu'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x }, attrs: { alpha } }) => ({ x: () => where(greater(x, 0), dy, mul(dy, alpha)) }),
};

/** The gradient passes where min <= x <= max (bounds included, like PyTorch's clamp). */
export const Clip: GradRule<'Clip'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x }, attrs: { min, max } }) => ({
    x: () => where(less(x, min), 0, where(greater(x, max), 0, dy)),
  }),
};

/** sigmoid(beta * x), and 1 past the threshold where the forward pass is x itself (PyTorch's rule). */
export const Softplus: GradRule<'Softplus'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x }, attrs: { beta, threshold } }) => ({
    x: () => {
      const bx = mul(x, beta);
      return where(greater(bx, threshold), dy, mul(dy, sigmoid(bx)));
    },
  }),
};

/**
 * The rounding ops are piecewise constant: their gradient is zero everywhere (PyTorch's choice, also at the jumps),
 * so a value that reaches the result only through them gets a zero gradient rather than none.
 */
const ZERO_GRADIENT = { vjp: ({ dy }: { dy: Tensor }) => ({ x: () => zerosLike(dy) }) };
export const Sign: GradRule<'Sign'> = ZERO_GRADIENT;
export const Floor: GradRule<'Floor'> = ZERO_GRADIENT;
export const Ceil: GradRule<'Ceil'> = ZERO_GRADIENT;
export const Round: GradRule<'Round'> = ZERO_GRADIENT;

export const Sin: GradRule<'Sin'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x } }) => ({ x: () => mul(dy, cos(x)) }),
};

export const Cos: GradRule<'Cos'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x } }) => ({ x: () => neg(mul(dy, sin(x))) }),
};

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** 2/sqrt(pi) * exp(-x^2) */
export const Erf: GradRule<'Erf'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x } }) => ({ x: () => mul(dy, mul(exp(neg(square(x))), TWO_OVER_SQRT_PI)) }),
};

export const Log1p: GradRule<'Log1p'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x } }) => ({ x: () => div(dy, add(x, 1)) }),
};

/** exp(x) = y + 1 */
export const Expm1: GradRule<'Expm1'> = {
  saveOutput: true,
  vjp: ({ dy, output }) => ({ x: () => mul(dy, add(output, 1)) }),
};

/** -1/x^2 = -y^2 */
export const Reciprocal: GradRule<'Reciprocal'> = {
  saveOutput: true,
  vjp: ({ dy, output }) => ({ x: () => neg(mul(dy, square(output))) }),
};

/** -x^(-3/2) / 2 = -y^3 / 2 */
export const Rsqrt: GradRule<'Rsqrt'> = {
  saveOutput: true,
  vjp: ({ dy, output }) => ({ x: () => mul(dy, mul(mul(square(output), output), -0.5)) }),
};

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Exact: Phi(x) + x * phi(x). Tanh form: with t = tanh(k (x + c x^3)), 0.5 (1 + t) + 0.5 x (1 - t^2) k (1 + 3c x^2),
 * the derivative of the approximation itself (as PyTorch), not of the exact GELU.
 */
export const Gelu: GradRule<'Gelu'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x }, attrs: { tanh: approximate } }) => ({
    x: () => geluBackward(dy, x, { approximate: approximate ? 'tanh' : 'none' }),
  }),
};

/**
 * gelu''(x): phi(x) (2 - x^2) for the exact form; for the tanh form, with t = tanh(u), u = sqrt(2/pi) (x + 0.044715 x^3),
 * (1 - t^2) (u' + x/2 (u'' - 2 t u'^2)).
 */
function geluSecondDerivative(x: Tensor, approximate: boolean): Tensor {
  const x2 = square(x);
  if (!approximate) return mul(mul(exp(mul(x2, -0.5)), INV_SQRT_2PI), sub(2, x2));
  const t = tanh(mul(add(x, mul(mul(x2, x), 0.044715)), SQRT_2_OVER_PI));
  const du = mul(add(mul(x2, 3 * 0.044715), 1), SQRT_2_OVER_PI);
  const ddu = mul(x, 6 * 0.044715 * SQRT_2_OVER_PI);
  const inner = add(du, mul(mul(x, 0.5), sub(ddu, mul(mul(t, square(du)), 2))));
  return mul(sub(1, square(t)), inner);
}

/** dy * gelu'(x) is linear in dy (its gradient is gelu'(x) again) and has dy * gelu''(x) as its derivative in x. */
export const GeluBackward: GradRule<'GeluBackward'> = {
  save: ['dy', 'x'],
  vjp: ({ dy: dz, inputs: { dy, x }, attrs: { tanh: approximate } }) => ({
    dy: () => geluBackward(dz, x, { approximate: approximate ? 'tanh' : 'none' }),
    x: () => mul(mul(dz, dy), geluSecondDerivative(x, approximate)),
  }),
};

/** s (1 + x (1 - s)) with s = sigmoid(x). */
export const Silu: GradRule<'Silu'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x } }) => ({
    x: () => {
      const s = sigmoid(x);
      return mul(dy, mul(s, add(mul(x, sub(1, s)), 1)));
    },
  }),
};

/** 1 for x > 0, alpha * exp(x) elsewhere (at 0 too, like PyTorch). */
export const Elu: GradRule<'Elu'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x }, attrs: { alpha } }) => ({
    x: () => where(greater(x, 0), dy, mul(dy, mul(exp(x), alpha))),
  }),
};

/** Between float dtypes; casts to int32 have int32 outputs, which the tape never records. */
export const Cast: GradRule<'Cast'> = {
  vjp: ({ dy, inputs: { x } }) => ({ x: () => cast(dy, x.dtype) }),
};
