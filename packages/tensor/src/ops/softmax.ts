/** Softmax, log-softmax and the fused softmax-cross-entropy kernel. */
import { engine } from '../engine';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import type { Tensor } from '../tensor';
import { normalizeReduceAxis, shapesEqual } from '../util/shape';
import { assertTensor, div, exp, log, sub } from './elementwise';
import { max, sum } from './reduce';

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
  assertTensor('softmaxCrossEntropy', logits, 'logits');
  assertTensor('softmaxCrossEntropy', target, 'target');
  if (logits.rank !== 2 || !shapesEqual(logits.shape, target.shape)) {
    throw new ShapeError(
      `softmaxCrossEntropy: logits and target must both be [N, C], got ${fmtShape(logits.shape)} and ${fmtShape(target.shape)}`,
    );
  }
  if (logits.dtype !== target.dtype || logits.dtype === 'int32') {
    throw new DTypeError(
      `softmaxCrossEntropy: needs float logits and target of one dtype, got ${logits.dtype} and ${target.dtype}`,
    );
  }
  return engine.runKernel('SoftmaxCrossEntropy', { logits, target }, {});
}
