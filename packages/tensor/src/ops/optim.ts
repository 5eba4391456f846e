/**
 * Fused optimizer updates (one kernel per parameter instead of about ten). They compute exactly what the unfused
 * ops would (see kernels/optim.ts). The spec checks the tensors; these check the hyperparameters.
 */
import { engine } from '../engine';
import { ValueError } from '../errors';
import type { AdamUpdateAttrs, SGDUpdateAttrs } from '../kernels/optim';
import type { Tensor } from '../tensor';

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
