/** Gradient of the fused softmax-cross-entropy (softmax and logSoftmax are composite: their ops' rules apply). */
import { logSoftmax, mul, neg, reshape, softmax, sub, sum } from '@nn/tensor';
import type { GradRule } from './types';

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
