/** The shape of a gradient rule: the vector-Jacobian product of one kernel, written with public ops. */
import type { Tensor } from '@nn/tensor';
import type { KernelAttrs, KernelInputs, KernelName, KernelTensors } from '@nn/tensor/backend';

/** A kernel's inputs as the rule sees them: tensors, or lists of tensors (Concat). */
export type RuleInputs<K extends KernelName> = KernelInputs<K, Tensor>;

/**
 * One thunk per input that can receive a gradient. The backward pass calls only the thunks of inputs that
 * depend on what is being differentiated, so e.g. `x @ W` never computes the gradient of a data batch `x`.
 */
export type InputGrads<K extends KernelName> = { [P in keyof RuleInputs<K>]?: () => NonNullable<RuleInputs<K>[P]> };

/** What a gradient rule receives: the output gradient, the kernel's inputs, attributes and output. */
export interface GradContext<K extends KernelName> {
  /** The gradient of the scalar result with respect to the kernel's output (same shape as `output`). */
  dy: Tensor;
  /** Inputs listed in `save` hold their values; the others may only be asked for `shape` and `dtype`. */
  inputs: RuleInputs<K>;
  /** Holds its values when `saveOutput` is set; otherwise only `shape` and `dtype` may be read. */
  output: Tensor;
  attrs: KernelAttrs<K>;
}

/** How a kernel's inputs get their gradients from its output gradient (a vector-Jacobian product). */
export interface GradRule<K extends KernelName> {
  /** Inputs whose values the vector-Jacobian product reads (the tape keeps them alive until backward). */
  readonly save?: readonly (keyof RuleInputs<K> & string)[];
  /** Whether the product reads the output's values. */
  readonly saveOutput?: boolean;
  /** The vector-Jacobian product (a method, so a rule of any kernel is also a `RecordedRule`). */
  vjp(context: GradContext<K>): InputGrads<K>;
}

/** A rule as the tape holds it, whatever its kernel: inputs by name, a thunk per input. */
export interface RecordedRule {
  readonly save?: readonly string[];
  readonly saveOutput?: boolean;
  vjp(context: {
    dy: Tensor;
    inputs: KernelTensors;
    output: Tensor;
    attrs: object;
  }): Readonly<Record<string, (() => Tensor | readonly Tensor[]) | undefined>>;
}

/** Kernels with no gradient: their outputs are constants for autograd. */
export const NOT_DIFFERENTIABLE = 'not-differentiable';
/** The marker of a kernel without a gradient (comparisons, argmax, ...). */
export type NotDifferentiable = typeof NOT_DIFFERENTIABLE;

/** A gradient rule (or the not-differentiable marker) for every kernel name. */
export type GradRules = { readonly [K in KernelName]: GradRule<K> | NotDifferentiable };
