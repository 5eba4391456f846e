/** Gradients of the indexing kernels: Gather and ScatterAdd are each other's adjoint; one-hot vectors are constants. */
import { engine } from '@nn/tensor/backend';
import { type GradRule, NOT_DIFFERENTIABLE } from './types';

// The kernels run directly (typed, through the engine): the indices were checked in the forward pass, and the
// ops would check them again by reading them back (a sync we keep out of backward).

export const Gather: GradRule<'Gather'> = {
  save: ['indices'],
  vjp: ({ dy, inputs: { x, indices }, attrs: { axis } }) => ({
    x: () => engine.runKernel('ScatterAdd', { updates: dy, indices }, { axis, size: x.shape[axis]! }),
  }),
};

export const ScatterAdd: GradRule<'ScatterAdd'> = {
  save: ['indices'],
  vjp: ({ dy, inputs: { indices }, attrs: { axis } }) => ({
    updates: () => engine.runKernel('Gather', { x: dy, indices }, { axis }),
  }),
};

/** Piecewise constant in its indices, which are int32 anyway. */
export const OneHot = NOT_DIFFERENTIABLE;
