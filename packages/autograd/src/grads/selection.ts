/** Gradients of the selection kernels. sort/topk values get theirs through Gather, which picks them by index. */
import { NOT_DIFFERENTIABLE } from './types';

/** int32 indices: piecewise constant in x. */
export const TopK = NOT_DIFFERENTIABLE;
