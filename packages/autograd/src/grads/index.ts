/** Every kernel's gradient rule, or an explicit mark that it has none. A kernel missing here fails to compile. */
import * as conv from './conv';
import * as elementwise from './elementwise';
import * as matmul from './matmul';
import * as pool from './pool';
import * as reduce from './reduce';
import * as shape from './shape';
import { type GradRules, NOT_DIFFERENTIABLE } from './types';

export const gradRules: GradRules = {
  ...elementwise,
  ...reduce,
  ...shape,
  ...matmul,
  ...conv,
  ...pool,
  // Comparisons, indices and one-hot vectors are piecewise constant: their outputs are constants for autograd.
  Equal: NOT_DIFFERENTIABLE,
  Greater: NOT_DIFFERENTIABLE,
  Less: NOT_DIFFERENTIABLE,
  ArgMax: NOT_DIFFERENTIABLE,
  OneHot: NOT_DIFFERENTIABLE,
  // Its gradient needs the argmax position of each window, which no kernel exposes; it only matters for
  // second derivatives through max-pooling.
  MaxPool2DBackward: NOT_DIFFERENTIABLE,
  // Multi-output optimizer updates change state; the tape refuses to record them on watched inputs.
  AdamUpdate: NOT_DIFFERENTIABLE,
  SGDUpdate: NOT_DIFFERENTIABLE,
};

export type { GradContext, GradRule, GradRules, InputGrads, NotDifferentiable, RuleInputs } from './types';
export { NOT_DIFFERENTIABLE } from './types';
export { unbroadcast } from './util';
