/** Gradients of the reductions and of the fused softmax-cross-entropy. */
import { broadcastTo, div, equal, logSoftmax, mul, neg, reshape, softmax, sub, sum } from '@nn/tensor';
import type { GradRule } from './types';
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

/**
 * loss = -sum(target * logSoftmax(logits)) per row, so
 * dlogits = dy * (softmax(logits) * sum(target) - target) (= softmax - target for a probability target) and
 * dtarget = -dy * logSoftmax(logits).
 */
export const SoftmaxCrossEntropy: GradRule<'SoftmaxCrossEntropy'> = {
  save: ['logits', 'target'],
  vjp: ({ dy, inputs: { logits, target } }) => {
    const column = (): ReturnType<typeof reshape> => reshape(dy, [dy.shape[0]!, 1]);
    return {
      logits: () => mul(column(), sub(mul(softmax(logits, -1), sum(target, -1, true)), target)),
      target: () => mul(neg(column()), logSoftmax(logits, -1)),
    };
  },
};
