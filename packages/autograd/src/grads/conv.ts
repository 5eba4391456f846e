/**
 * Gradients of the convolution kernels. Conv2D is bilinear in (x, w), and its two backprop kernels are its
 * adjoints, so the gradient of each of the three is written with the other two and the same stride/padding.
 * Conv2D runs as the kernel (typed, through the engine): its explicit [top, bottom, left, right] padding, which
 * 'same' makes asymmetric, has no conv2d option.
 */
import { conv2dBackpropFilter, conv2dBackpropInput } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import type { GradRule } from './types';

export const Conv2D: GradRule<'Conv2D'> = {
  save: ['x', 'w'],
  vjp: ({ dy, inputs: { x, w }, attrs: { stride, padding } }) => ({
    x: () => conv2dBackpropInput(dy, w, { stride, padding, xShape: x.shape }),
    w: () => conv2dBackpropFilter(x, dy, { stride, padding, wShape: w.shape }),
  }),
};

/** dx = backpropInput(dy, w) is linear in dy (adjoint: conv2d) and in w (adjoint: backpropFilter). */
export const Conv2DBackpropInput: GradRule<'Conv2DBackpropInput'> = {
  save: ['dy', 'w'],
  vjp: ({ dy: g, inputs: { dy, w }, attrs: { stride, padding } }) => ({
    dy: () => engine.runKernel('Conv2D', { x: g, w }, { stride, padding }),
    w: () => conv2dBackpropFilter(g, dy, { stride, padding, wShape: w.shape }),
  }),
};

/** dw = backpropFilter(x, dy) is linear in dy (adjoint: conv2d) and in x (adjoint: backpropInput). */
export const Conv2DBackpropFilter: GradRule<'Conv2DBackpropFilter'> = {
  save: ['x', 'dy'],
  vjp: ({ dy: g, inputs: { x, dy }, attrs: { stride, padding } }) => ({
    x: () => conv2dBackpropInput(dy, g, { stride, padding, xShape: x.shape }),
    dy: () => engine.runKernel('Conv2D', { x, w: g }, { stride, padding }),
  }),
};
