/** Gradients of the pooling kernels. */
import { avgPool2d, avgPool2dBackward, maxPool2dBackward } from '@nn/tensor';
import { type GradRule, NOT_DIFFERENTIABLE } from './types';

/** Each window's gradient goes to its (first) maximum, as the MaxPool2DBackward kernel routes it. */
export const MaxPool2D: GradRule<'MaxPool2D'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x }, attrs }) => ({ x: () => maxPool2dBackward(dy, x, attrs) }),
};

export const AvgPool2D: GradRule<'AvgPool2D'> = {
  vjp: ({ dy, inputs: { x }, attrs }) => ({ x: () => avgPool2dBackward(dy, { ...attrs, xShape: x.shape }) }),
};

/**
 * AvgPool2DBackward is linear in dy and is the adjoint of AvgPool2D, so its own adjoint is AvgPool2D (pooling
 * paddings are symmetric: [top, bottom, left, right] is avgPool2d's [padH, padW]).
 */
export const AvgPool2DBackward: GradRule<'AvgPool2DBackward'> = {
  vjp: ({ dy: g, attrs: { kernelSize, stride, padding } }) => ({
    dy: () => avgPool2d(g, { kernelSize, stride, padding: [padding[0], padding[2]] }),
  }),
};

/**
 * Its gradient needs the argmax position of each window, which no kernel exposes; it only matters for second
 * derivatives through max-pooling (the tape refuses those loudly, see tape.ts).
 */
export const MaxPool2DBackward = NOT_DIFFERENTIABLE;
