/**
 * Fused optimizer updates: several outputs, never recorded by autograd. All inputs have one shape and one float
 * dtype. float32 rounds after every operation, in the order written below (the order of PyTorch 1.13's
 * single-tensor loops), so results match the unfused ops bit for bit.
 */
import { assertSameShapeAndDType, defineKernel } from './spec';

/**
 * Adam (PyTorch 1.13, single tensor; scalars rounded to the dtype before use):
 * `decoupled`: p = param * (1 - lr*weightDecay), g = grad; else p = param, g = grad + param * weightDecay
 * (when weightDecay != 0). m' = m*beta1 + g*(1 - beta1), v' = v*beta2 + (g*(1 - beta2))*g; at `step` 1 the
 * moments start at zero and m, v are not read (m' = g*(1 - beta1), v' = (g*(1 - beta2))*g).
 * denom = sqrt(v') / sqrt(1 - beta2^step) + eps; param' = p + (m' * -(lr / (1 - beta1^step))) / denom.
 */
export interface AdamUpdateAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weights directly instead of adding an L2 term to the gradient. */
  decoupled: boolean;
  /** 1 on the first update (an integer >= 1): bias corrections use it. */
  step: number;
}

/**
 * SGD (PyTorch 1.13): d = grad + param*weightDecay (when weightDecay != 0). With momentum != 0:
 * buf' = firstStep ? d : buf*momentum + d*(1 - dampening) (buf not read on the first step), then
 * d = nesterov ? d + buf'*momentum : buf'. param' = param - d*lr. With momentum 0, buf' is buf unchanged
 * (a kernel may return the input's dataId).
 */
export interface SGDUpdateAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  firstStep: boolean;
}

export default {
  /** -> [param', m', v']: one Adam / AdamW step, see AdamUpdateAttrs. */
  AdamUpdate: defineKernel({
    op: 'adamUpdate',
    inputs: { param: 'tensor', grad: 'tensor', m: 'tensor', v: 'tensor' },
    outputs: 3,
    infer: ({ param, grad, m, v }, _attrs: AdamUpdateAttrs) => {
      assertSameShapeAndDType('adamUpdate', { param, grad, m, v });
      return [param, param, param];
    },
  }),
  /** -> [param', buf']: one SGD step, see SGDUpdateAttrs. */
  SGDUpdate: defineKernel({
    op: 'sgdUpdate',
    inputs: { param: 'tensor', grad: 'tensor', buf: 'tensor' },
    outputs: 2,
    infer: ({ param, grad, buf }, _attrs: SGDUpdateAttrs) => {
      assertSameShapeAndDType('sgdUpdate', { param, grad, buf });
      return [param, param];
    },
  }),
};
