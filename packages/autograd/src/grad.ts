/** The public autograd API: grad, valueAndGrad, gradsOf (for optimizers) and noGrad. */
import { DTypeError, fmtShape, Tensor, ValueError } from '@nn/tensor';
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

/** Enclosing tapes, innermost last: nested `grad` scopes record independently. */
const tapes: Tape[] = [];

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
 * @example const { value, grads } = gradsOf(() => model.forward(x).sub(y).square().mean(), model.parameters());
 */
export function gradsOf(fn: () => Tensor, wrt: readonly Tensor[], op = 'grad'): ValueAndGrads {
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
    return { value, grads: backward(tape, value, wrt) };
  } finally {
    tape.dispose();
  }
}

/**
 * Turns a scalar function of tensors into the function that returns its gradients, one per argument.
 * @example grad((x) => x.mul(x).sum())(tensor([1, 2, 3])) // [2, 4, 6]
 */
export function grad<Args extends Tensor[]>(f: (...args: Args) => Tensor): (...args: Args) => Tensor[] {
  return (...args) =>
    engine.tidy(() => {
      // The tidy frees the value and the forward intermediates: only the gradients leave.
      return gradsOf(() => f(...args), args, 'grad').grads;
    });
}

/**
 * Like `grad`, but also returns the value of `f`. Other tensors `f` creates are freed.
 * @example const { value, grads: [dw] } = valueAndGrad((w) => loss(w))(w);
 */
export function valueAndGrad<Args extends Tensor[]>(f: (...args: Args) => Tensor): (...args: Args) => ValueAndGrads {
  return (...args) => engine.tidy(() => gradsOf(() => f(...args), args, 'valueAndGrad'));
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
