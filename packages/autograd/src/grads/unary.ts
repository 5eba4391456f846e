/** Gradients of the unary kernels: unary math, activations, clip, cast, and relu's fused derivative. */
import { cast, div, greater, less, mul, neg, reluBackward, sigmoid, sub, where } from '@nn/tensor';
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

/** Between float dtypes; casts to int32 have int32 outputs, which the tape never records. */
export const Cast: GradRule<'Cast'> = {
  vjp: ({ dy, inputs: { x } }) => ({ x: () => cast(dy, x.dtype) }),
};
