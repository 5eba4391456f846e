/** Gradients of the reductions. */
import { broadcastTo, cumsum, div, equal, mul, reshape, sum } from '@nn/tensor';
import { type GradRule, NOT_DIFFERENTIABLE } from './types';
import { asDType, keptShape } from './util';

/** Every summed element gets the gradient of its sum. */
export const Sum: GradRule<'Sum'> = {
  vjp: ({ dy, inputs: { x }, attrs: { axes } }) => ({
    x: () => broadcastTo(reshape(dy, keptShape(x.shape, axes)), x.shape),
  }),
};

/**
 * The gradient of a max/min goes to the elements equal to it, split evenly among ties (PyTorch's `amax`
 * rule; `max(dim)` would pick one index instead). Without ties this is the usual one-hot routing.
 */
function extremumRule(kernel: 'Max' | 'Min'): GradRule<typeof kernel> {
  return {
    save: ['x'],
    saveOutput: true,
    vjp: ({ dy, inputs: { x }, output, attrs: { axes } }) => ({
      x: () => {
        const shape = keptShape(x.shape, axes);
        const isExtremum = asDType(equal(x, reshape(output, shape)), x.dtype);
        const ties = sum(isExtremum, axes, true);
        return mul(isExtremum, div(reshape(dy, shape), ties));
      },
    }),
  };
}

export const Max: GradRule<'Max'> = extremumRule('Max');
export const Min: GradRule<'Min'> = extremumRule('Min');

/** Piecewise constant: an index is a constant for autograd. */
export const ArgMax = NOT_DIFFERENTIABLE;

/** Each input reaches every running sum after it: the gradient is the running sum of dy taken the other way. */
export const Cumsum: GradRule<'Cumsum'> = {
  vjp: ({ dy, attrs: { axis, reverse } }) => ({ x: () => cumsum(dy, axis, { reverse: !reverse }) }),
};
