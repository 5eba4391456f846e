/**
 * Gradients of the convolution kernels. Conv2D is bilinear in (x, w), and its two backprop kernels are its
 * adjoints, so the gradient of each of the three is written with the other two and the same stride, padding,
 * dilation and groups. Conv2D runs as the kernel (typed, through the engine): its explicit [top, bottom, left,
 * right] padding, which 'same' makes asymmetric, has no conv2d option. convTranspose2d is Conv2DBackpropInput, so
 * its gradients are the second rule.
 */
import { conv2dBackpropFilter, conv2dBackpropInput } from '@nn/tensor';
import { type Conv2DAttrs, engine } from '@nn/tensor/backend';
import type { GradRule } from './types';

/** The attributes the three kernels share, without the backprop kernels' xShape / wShape. */
function shared({ stride, padding, dilation, groups }: Conv2DAttrs): Conv2DAttrs {
  return { stride, padding, dilation, groups };
}

export const Conv2D: GradRule<'Conv2D'> = {
  save: ['x', 'w'],
  vjp: ({ dy, inputs: { x, w }, attrs }) => ({
    x: () => conv2dBackpropInput(dy, w, { ...shared(attrs), xShape: x.shape }),
    w: () => conv2dBackpropFilter(x, dy, { ...shared(attrs), wShape: w.shape }),
  }),
};

/** dx = backpropInput(dy, w) is linear in dy (adjoint: conv2d) and in w (adjoint: backpropFilter). */
export const Conv2DBackpropInput: GradRule<'Conv2DBackpropInput'> = {
  save: ['dy', 'w'],
  vjp: ({ dy: g, inputs: { dy, w }, attrs }) => ({
    dy: () => engine.runKernel('Conv2D', { x: g, w }, shared(attrs)),
    w: () => conv2dBackpropFilter(g, dy, { ...shared(attrs), wShape: w.shape }),
  }),
};

/** dw = backpropFilter(x, dy) is linear in dy (adjoint: conv2d) and in x (adjoint: backpropInput). */
export const Conv2DBackpropFilter: GradRule<'Conv2DBackpropFilter'> = {
  save: ['x', 'dy'],
  vjp: ({ dy: g, inputs: { x, dy }, attrs }) => ({
    x: () => conv2dBackpropInput(dy, g, { ...shared(attrs), xShape: x.shape }),
    dy: () => engine.runKernel('Conv2D', { x, w: g }, shared(attrs)),
  }),
};
