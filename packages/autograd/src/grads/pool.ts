/** Gradients of the pooling kernels. */
import { avgPool2dBackward, engine, maxPool2dBackward } from '@nn/tensor';
import type { GradRule } from './types';

/** Each window's gradient goes to its (first) maximum, as the MaxPool2DBackward kernel routes it. */
export const MaxPool2D: GradRule<'MaxPool2D'> = {
  save: ['x'],
  vjp: ({ dy, inputs: { x }, attrs }) => ({ x: () => maxPool2dBackward(dy, x, attrs) }),
};

export const AvgPool2D: GradRule<'AvgPool2D'> = {
  vjp: ({ dy, inputs: { x }, attrs }) => ({ x: () => avgPool2dBackward(dy, { ...attrs, xShape: x.shape }) }),
};

/** AvgPool2DBackward is linear in dy and is the adjoint of AvgPool2D, so its own adjoint is AvgPool2D. */
export const AvgPool2DBackward: GradRule<'AvgPool2DBackward'> = {
  vjp: ({ dy: g, attrs: { kernelSize, stride, padding } }) => ({
    dy: () => engine.runKernel('AvgPool2D', { x: g }, { kernelSize, stride, padding }),
  }),
};
