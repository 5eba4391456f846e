/**
 * Gradient of the fused attention: one AttentionBackward call gives [dq, dk, dv] (run once, whichever of the three
 * are asked for). An additive float mask receives dS = P * (dP - rowsum(P * dP)), with P recomposed from ops.
 */
import { attentionWeights, matmul, mul, sub, sum, type Tensor } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { type GradRule, NOT_DIFFERENTIABLE } from './types';

export const Attention: GradRule<'Attention'> = {
  save: ['q', 'k', 'v', 'mask'],
  vjp: ({ dy, inputs: { q, k, v, mask }, attrs }) => {
    let grads: readonly Tensor[] | undefined;
    const all = (): readonly Tensor[] => {
      if (grads === undefined) {
        const inputs = { dy, q, k, v, ...(mask === undefined ? {} : { mask }) };
        grads = engine.runKernelMulti('AttentionBackward', inputs, attrs);
      }
      return grads;
    };
    return {
      q: () => all()[0]!,
      k: () => all()[1]!,
      v: () => all()[2]!,
      mask: () => {
        const p = attentionWeights(q, k, mask, attrs);
        const dp = matmul(dy, v, { transposeB: true });
        return mul(p, sub(dp, sum(mul(p, dp), -1, true)));
      },
    };
  },
};

/** A multi-output kernel: the tape refuses second derivatives through it (see UNSUPPORTED there). */
export const AttentionBackward = NOT_DIFFERENTIABLE;
