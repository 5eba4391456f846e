/** Gradients of the binary kernels: arithmetic and where (broadcast inputs get their gradient summed back). */
import { add, div, equal, greater, less, log, mul, neg, pow, sub, type Tensor, where } from '@nn/tensor';
import type { GradRule } from './types';
import { NOT_DIFFERENTIABLE } from './types';
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

// Comparisons are piecewise constant: their outputs are constants for autograd.
export const Equal = NOT_DIFFERENTIABLE;
export const Greater = NOT_DIFFERENTIABLE;
export const Less = NOT_DIFFERENTIABLE;
