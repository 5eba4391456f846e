/**
 * @nn/autograd: reverse-mode automatic differentiation for @nn/tensor.
 * @example
 * import { grad } from '@nn/autograd';
 * grad((x) => x.mul(x).sum())(tensor([1, 2, 3])); // [tensor([2, 4, 6])]
 */
export { type CustomGradResult, customGrad } from './custom-grad';
export { type GradOptions, grad, gradDepth, gradsOf, noGrad, type ValueAndGrads, valueAndGrad } from './grad';
export {
  type GradContext,
  type GradRule,
  type GradRules,
  gradRules,
  type InputGrads,
  NOT_DIFFERENTIABLE,
  type NotDifferentiable,
  unbroadcast,
} from './grads';
export { Tape, type TapeNode } from './tape';
