/**
 * Gradients of layerNorm. x's gradient is the fused LayerNormBackward kernel; the weight's is dy times the
 * normalised x (the LayerNorm kernel without weight and bias) summed over the leading axes; the bias's is dy summed.
 */
import { layerNormBackward, mul, sum, type Tensor } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { type GradRule, NOT_DIFFERENTIABLE } from './types';

/** Sums t over its leading axes, down to the last `axes` (the shape of weight and bias). */
function sumLeading(t: Tensor, axes: number): Tensor {
  const leading = Array.from({ length: t.rank - axes }, (_, i) => i);
  return leading.length === 0 ? t : sum(t, leading);
}

export const LayerNorm: GradRule<'LayerNorm'> = {
  save: ['x', 'weight'],
  vjp: ({ dy, inputs: { x, weight }, attrs }) => ({
    x: () => layerNormBackward(dy, x, weight, attrs),
    weight: () => sumLeading(mul(dy, engine.runKernel('LayerNorm', { x }, attrs)), attrs.axes),
    bias: () => sumLeading(dy, attrs.axes),
  }),
};

/** Second derivatives through layerNorm are refused by the tape (see UNSUPPORTED there). */
export const LayerNormBackward = NOT_DIFFERENTIABLE;
