/** Gradients of the elementwise kernels: arithmetic, unary math, activations, where, cast. */
import {
  add,
  cast,
  div,
  equal,
  greater,
  less,
  log,
  mul,
  neg,
  pow,
  reluBackward,
  sub,
  type Tensor,
  where,
} from '@nn/tensor';
import type { GradRule } from './types';
import { asDType, unbroadcast } from './util';

export const Add: GradRule<'Add'> = {
  vjp: ({ dy, inputs: { a, b } }) => ({
    a: () => unbroadcast(dy, a.shape),
    b: () => unbroadcast(dy, b.shape),
  }),
};

export const Sub: GradRule<'Sub'> = {
  vjp: ({ dy, inputs: { a, b } }) => ({
    a: () => unbroadcast(dy, a.shape),
    b: () => neg(unbroadcast(dy, b.shape)),
  }),
};

export const Mul: GradRule<'Mul'> = {
  save: ['a', 'b'],
  vjp: ({ dy, inputs: { a, b } }) => ({
    a: () => unbroadcast(mul(dy, b), a.shape),
    b: () => unbroadcast(mul(dy, a), b.shape),
  }),
};

/** d(a/b)/db = -a/b^2 = -out/b. */
export const Div: GradRule<'Div'> = {
  save: ['b'],
  saveOutput: true,
  vjp: ({ dy, inputs: { a, b }, output }) => ({
    a: () => unbroadcast(div(dy, b), a.shape),
    b: () => unbroadcast(neg(mul(dy, div(output, b))), b.shape),
  }),
};

/**
 * d(a^b)/da = b * a^(b-1); d(a^b)/db = a^b * log(a), taken as 0 where a <= 0 (where the real power is
 * only defined for integer b, so the exponent cannot vary smoothly; PyTorch also gives 0 at a = 0).
 */
export const Pow: GradRule<'Pow'> = {
  save: ['a', 'b'],
  saveOutput: true,
  vjp: ({ dy, inputs: { a, b }, output }) => ({
    a: () => unbroadcast(mul(dy, mul(b, pow(a, sub(b, 1)))), a.shape),
    b: () => {
      const positive = greater(a, 0);
      const logA = log(where(positive, a, 1));
      return unbroadcast(mul(dy, mul(output, logA)), b.shape);
    },
  }),
};

/** Ties split the gradient evenly between a and b, like PyTorch. */
function extremumRule(kernel: 'Maximum' | 'Minimum'): GradRule<typeof kernel> {
  return {
    save: ['a', 'b'],
    vjp: ({ dy, inputs: { a, b } }) => {
      // Share of the gradient that goes to a: 1 where a wins, 0.5 on ties, 0 where b wins.
      let share: Tensor | undefined;
      const shareOfA = (): Tensor => {
        if (!share) {
          const wins = asDType(kernel === 'Maximum' ? greater(a, b) : less(a, b), dy.dtype);
          share = add(wins, mul(asDType(equal(a, b), dy.dtype), 0.5));
        }
        return share;
      };
      return {
        a: () => unbroadcast(mul(dy, shareOfA()), a.shape),
        b: () => unbroadcast(mul(dy, sub(1, shareOfA())), b.shape),
      };
    },
  };
}

export const Maximum: GradRule<'Maximum'> = extremumRule('Maximum');
export const Minimum: GradRule<'Minimum'> = extremumRule('Minimum');

/** dy flows to `a` where the condition holds and to `b` elsewhere; the condition gets none. */
export const Where: GradRule<'Where'> = {
  save: ['condition'],
  vjp: ({ dy, inputs: { condition, a, b } }) => ({
    a: () => unbroadcast(where(condition, dy, 0), a.shape),
    b: () => unbroadcast(where(condition, 0, dy), b.shape),
  }),
};

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

/** The gradient of relu at 0 is 0 (PyTorch's choice). */
/** One fused pass: dy where the output is positive (the same values as where(greater(y, 0), dy, 0)). */
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

/** Between float dtypes; casts to int32 have int32 outputs, which the tape never records. */
export const Cast: GradRule<'Cast'> = {
  vjp: ({ dy, inputs: { x } }) => ({ x: () => cast(dy, x.dtype) }),
};
