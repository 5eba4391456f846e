/** Softmax, log-softmax (composite) and the fused softmax-cross-entropy kernel. */
import { engine } from '../engine';
import { DTypeError, fmtShape } from '../errors';
import type { Tensor } from '../tensor';
import { normalizeReduceAxis } from '../util/shape';
import { div, sub } from './binary';
import { assertTensor } from './create';
import { max, sum } from './reduce';
import { exp, log } from './unary';

function stableShift(op: string, x: Tensor, axis: number): Tensor {
  assertTensor(op, x);
  if (x.dtype === 'int32') throw new DTypeError(`${op}: needs a float tensor, got int32 ${fmtShape(x.shape)}`);
  // On a 0-d tensor axis 0 or -1 is one axis of size 1 (PyTorch: softmax of a scalar is 1); max and sum agree.
  const a = normalizeReduceAxis(op, axis, x.rank) ?? axis;
  // Softmax does not change when a constant is subtracted, so the max is a constant for autograd.
  const m = engine.withoutRecording(() => max(x, a, true));
  const shifted = sub(x, m);
  m.dispose();
  return shifted;
}

/** exp(x) / sum(exp(x)) along `axis`, computed stably. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return engine.tidy(() => {
    const e = exp(stableShift('softmax', x, axis));
    return div(e, sum(e, axis, true));
  });
}

/** x - log(sum(exp(x))) along `axis`, computed stably. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return engine.tidy(() => {
    const shifted = stableShift('logSoftmax', x, axis);
    return sub(shifted, log(sum(exp(shifted), axis, true)));
  });
}

/** Per-row cross-entropy of logits [N, C] against target probabilities [N, C] -> [N]. Fused and stable. */
export function softmaxCrossEntropy(logits: Tensor, target: Tensor): Tensor {
  return engine.runKernel('SoftmaxCrossEntropy', { logits, target }, {});
}
