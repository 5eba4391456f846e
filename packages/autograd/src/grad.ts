/** The public autograd API: grad, valueAndGrad, gradsOf (for optimizers) and noGrad. */
import { checkOptions, DTypeError, fmtShape, type OptionKeys, Tensor, ValueError } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { backward } from './backward';
import { Tape } from './tape';

/** The value of a scalar function and its gradients with respect to some tensors. */
export interface ValueAndGrads {
  /** The scalar the function returned. */
  value: Tensor;
  /** One gradient per tensor differentiated against, with its shape and dtype. */
  grads: Tensor[];
}

/** Options of `grad` and `valueAndGrad`. */
export interface GradOptions {
  /**
   * Give zeros to an argument the result does not depend on, instead of throwing (PyTorch's `allow_unused`,
   * with zeros rather than None).
   */
  allowUnused?: boolean;
}

const GRAD_OPTIONS: OptionKeys<GradOptions> = { allowUnused: true };

/** Enclosing tapes, innermost last: nested `grad` scopes record independently. */
const tapes: Tape[] = [];

/** The tapes recording right now, outermost first (none inside `noGrad`): what `customGrad` records on. */
export function recordingTapes(): readonly Tape[] {
  return engine.isRecording() ? tapes : [];
}

function checkWrt(op: string, wrt: readonly unknown[]): asserts wrt is readonly Tensor[] {
  wrt.forEach((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new ValueError(`${op}: argument ${i} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
    }
    if (t.dtype === 'int32') {
      throw new DTypeError(`${op}: argument ${i} is int32 ${fmtShape(t.shape)}; only float tensors have gradients`);
    }
    t.throwIfDisposed(op);
  });
}

function checkValue(op: string, value: unknown): asserts value is Tensor {
  if (!(value instanceof Tensor)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new ValueError(`${op}: f must return a scalar Tensor, got ${what}`);
  }
  if (value.size !== 1) throw new ValueError(`${op}: f must return a scalar, got shape ${fmtShape(value.shape)}`);
  if (value.dtype === 'int32') throw new DTypeError(`${op}: f must return a float scalar, got int32`);
}

/**
 * Runs `fn` (no arguments) and differentiates its scalar result with respect to tensors that already exist,
 * e.g. model parameters. Like any op, it leaves the tensors `fn` created to the caller: call it inside `tidy`.
 * A tensor the result does not depend on (a frozen or unused parameter) gets zeros unless `allowUnused` is false.
 * @example const { value, grads } = gradsOf(() => model.forward(x).sub(y).square().mean(), model.parameters());
 */
export function gradsOf(
  fn: () => Tensor,
  wrt: readonly Tensor[],
  op = 'grad',
  { allowUnused = true }: GradOptions = {},
): ValueAndGrads {
  checkWrt(op, wrt);
  const tape = new Tape(wrt);
  try {
    tapes.push(tape);
    engine.addRecorder(tape);
    let value: unknown;
    try {
      value = fn();
    } finally {
      engine.removeRecorder(tape);
      tapes.pop();
    }
    checkValue(op, value);
    const { grads, unused } = backward(tape, value, wrt);
    if (!allowUnused && unused.length > 0) {
      for (const g of grads) g.dispose();
      const i = unused[0]!;
      throw new ValueError(
        `${op}: the result does not depend on argument ${i} (${wrt[i]!.dtype} ${fmtShape(wrt[i]!.shape)}); ` +
          'pass { allowUnused: true } to get zeros for it',
      );
    }
    return { value, grads };
  } finally {
    tape.dispose();
  }
}

/**
 * Turns a scalar function of tensors into the function that returns its gradients, one per argument. An argument
 * the result does not depend on is an error naming it, unless `{ allowUnused: true }` (then its gradient is zeros).
 * @example grad((x) => x.mul(x).sum())(tensor([1, 2, 3])) // [2, 4, 6]
 */
export function grad<Args extends Tensor[]>(
  f: (...args: Args) => Tensor,
  options: GradOptions = {},
): (...args: Args) => Tensor[] {
  checkOptions('grad', options, GRAD_OPTIONS);
  const { allowUnused = false } = options;
  return (...args) =>
    engine.tidy(() => {
      // The tidy frees the value and the forward intermediates: only the gradients leave.
      return gradsOf(() => f(...args), args, 'grad', { allowUnused }).grads;
    });
}

/**
 * Like `grad` (same options), but also returns the value of `f`. Other tensors `f` creates are freed.
 * @example const { value, grads: [dw] } = valueAndGrad((w) => loss(w))(w);
 */
export function valueAndGrad<Args extends Tensor[]>(
  f: (...args: Args) => Tensor,
  options: GradOptions = {},
): (...args: Args) => ValueAndGrads {
  checkOptions('valueAndGrad', options, GRAD_OPTIONS);
  const { allowUnused = false } = options;
  return (...args) => engine.tidy(() => gradsOf(() => f(...args), args, 'valueAndGrad', { allowUnused }));
}

/**
 * Runs `fn` without recording anything for gradients (inference, metric computation, parameter updates).
 * @example const logits = noGrad(() => model.forward(x));
 */
export function noGrad<R>(fn: () => R): R {
  return engine.withoutRecording(fn);
}

/** How many `grad` scopes are recording right now (0 outside any). */
export function gradDepth(): number {
  return tapes.length;
}
