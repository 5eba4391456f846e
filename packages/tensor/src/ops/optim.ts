/**
 * Fused ops for training speed: optimizer updates (one kernel per parameter instead of about ten) and ReLU's
 * backward pass. They compute exactly what the unfused ops would (see the kernel contract in kernels/names.ts).
 */
import { engine } from '../engine';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors';
import type { AdamUpdateAttrs, SGDUpdateAttrs } from '../kernels/names';
import type { Tensor } from '../tensor';
import { assertTensor } from './elementwise';

/** All tensors share one shape and one dtype (a float one, unless `ints` allows int32). */
function sameShapeAndDType(op: string, named: Record<string, Tensor>, ints = false): void {
  const entries = Object.entries(named);
  for (const [name, t] of entries) assertTensor(op, t, name);
  const [firstName, first] = entries[0]!;
  for (const [name, t] of entries.slice(1)) {
    if (t.dtype !== first.dtype) {
      throw new DTypeError(`${op}: ${name} is ${t.dtype} but ${firstName} is ${first.dtype}`);
    }
    if (t.shape.length !== first.shape.length || t.shape.some((d, i) => d !== first.shape[i])) {
      throw new ShapeError(
        `${op}: ${name} ${fmtShape(t.shape)} must have the shape of ${firstName} ${fmtShape(first.shape)}`,
      );
    }
  }
  if (!ints && first.dtype === 'int32') throw new DTypeError(`${op}: needs float32 or float64 tensors, got int32`);
}

function finite(op: string, name: string, value: unknown, min = Number.NEGATIVE_INFINITY): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ValueError(
      `${op}: ${name} must be a finite number${min > -Infinity ? ` >= ${min}` : ''}, got ${String(value)}`,
    );
  }
  return value;
}

function flag(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`${op}: ${name} must be a boolean, got ${String(value)}`);
  return value;
}

/**
 * ReLU's gradient from its output: `dy` where `y > 0`, else 0 (`where(greater(y, 0), dy, 0)` in one pass).
 * @example reluBackward(dy, relu(x))
 */
export function reluBackward(dy: Tensor, y: Tensor): Tensor {
  sameShapeAndDType('reluBackward', { dy, y }, true);
  return engine.runKernel('ReluBackward', { dy, y }, {});
}

/**
 * One Adam/AdamW step for one parameter (PyTorch 1.13's formula and rounding): returns `[param', m', v']`.
 * At `step` 1 the moments start at zero and `m`, `v` are not read (pass any tensor of the parameter's shape).
 * @example const [p, m, v] = adamUpdate(w, dw, m0, v0, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8,
 *   weightDecay: 0, decoupled: false, step: 1 });
 */
export function adamUpdate(
  param: Tensor,
  grad: Tensor,
  m: Tensor,
  v: Tensor,
  attrs: AdamUpdateAttrs,
): [Tensor, Tensor, Tensor] {
  const op = 'adamUpdate';
  sameShapeAndDType(op, { param, grad, m, v });
  const { step } = attrs;
  if (!Number.isInteger(step) || step < 1) throw new ValueError(`${op}: step must be an integer >= 1, got ${step}`);
  const checked: AdamUpdateAttrs = {
    lr: finite(op, 'lr', attrs.lr, 0),
    beta1: finite(op, 'beta1', attrs.beta1, 0),
    beta2: finite(op, 'beta2', attrs.beta2, 0),
    eps: finite(op, 'eps', attrs.eps, 0),
    weightDecay: finite(op, 'weightDecay', attrs.weightDecay, 0),
    decoupled: flag(op, 'decoupled', attrs.decoupled),
    step,
  };
  if (checked.beta1 >= 1 || checked.beta2 >= 1) {
    throw new ValueError(`${op}: betas must be in [0, 1), got beta1=${checked.beta1}, beta2=${checked.beta2}`);
  }
  const [p, m1, v1] = engine.runKernelMulti('AdamUpdate', { param, grad, m, v }, checked);
  return [p!, m1!, v1!];
}

/**
 * One SGD step for one parameter (PyTorch 1.13's formula and rounding): returns `[param', buf']`. With
 * momentum 0, `buf'` is `buf` unchanged; on the `firstStep` with momentum, `buf` is not read.
 * @example const [p, buf] = sgdUpdate(w, dw, buf0, { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false,
 *   weightDecay: 0, firstStep: false });
 */
export function sgdUpdate(param: Tensor, grad: Tensor, buf: Tensor, attrs: SGDUpdateAttrs): [Tensor, Tensor] {
  const op = 'sgdUpdate';
  sameShapeAndDType(op, { param, grad, buf });
  const checked: SGDUpdateAttrs = {
    lr: finite(op, 'lr', attrs.lr, 0),
    momentum: finite(op, 'momentum', attrs.momentum, 0),
    dampening: finite(op, 'dampening', attrs.dampening),
    nesterov: flag(op, 'nesterov', attrs.nesterov),
    weightDecay: finite(op, 'weightDecay', attrs.weightDecay, 0),
    firstStep: flag(op, 'firstStep', attrs.firstStep),
  };
  if (checked.nesterov && (checked.momentum <= 0 || checked.dampening !== 0)) {
    throw new ValueError(`${op}: nesterov needs momentum > 0 and dampening = 0, got momentum=${checked.momentum}`);
  }
  const [p, b] = engine.runKernelMulti('SGDUpdate', { param, grad, buf }, checked);
  return [p!, b!];
}
