/** Every kernel's gradient rule, or an explicit mark that it has none. A kernel missing here fails to compile. */
import * as attention from './attention';
import * as binary from './binary';
import * as conv from './conv';
import * as indexing from './indexing';
import * as matmul from './matmul';
import * as normalization from './normalization';
import * as optim from './optim';
import * as pool from './pool';
import * as recurrent from './recurrent';
import * as reduce from './reduce';
import * as selection from './selection';
import * as shape from './shape';
import * as softmax from './softmax';
import type { GradRules } from './types';
import * as unary from './unary';

/** The gradient rule of every kernel by name (or NOT_DIFFERENTIABLE), what the tape applies backward. */
export const gradRules: GradRules = {
  ...binary,
  ...unary,
  ...reduce,
  ...shape,
  ...indexing,
  ...matmul,
  ...conv,
  ...pool,
  ...softmax,
  ...optim,
  ...normalization,
  ...attention,
  ...selection,
  ...recurrent,
};

export type { GradContext, GradRule, GradRules, InputGrads, NotDifferentiable, RuleInputs } from './types';
export { NOT_DIFFERENTIABLE } from './types';
export { unbroadcast } from './util';
