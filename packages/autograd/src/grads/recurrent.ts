/**
 * Gradient of the fused LSTM cell: one LSTMCellBackward call gives [dgates, dc] (run once, whichever of the two are
 * asked for), recomputing the gate activations from the saved inputs.
 */
import type { Tensor } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { type GradRule, NOT_DIFFERENTIABLE } from './types';

export const LSTMCell: GradRule<'LSTMCell'> = {
  save: ['gates', 'c'],
  vjp: ({ dy, inputs: { gates, c } }) => {
    let grads: readonly Tensor[] | undefined;
    const all = (): readonly Tensor[] => {
      grads ??= engine.runKernelMulti('LSTMCellBackward', { dy, gates, c }, {});
      return grads;
    };
    return { gates: () => all()[0]!, c: () => all()[1]! };
  },
};

/** A multi-output kernel: the tape refuses second derivatives through it (see UNSUPPORTED there). */
export const LSTMCellBackward = NOT_DIFFERENTIABLE;
