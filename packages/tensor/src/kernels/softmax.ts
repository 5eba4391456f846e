/** The fused softmax cross-entropy (softmax and logSoftmax themselves are composite ops). */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { shapesEqual } from '../util/shape';
import { defineKernel } from './spec';

export default {
  /** Per-row loss of logits [N, C] against target probabilities [N, C]: -sum(target * logSoftmax(logits)) -> [N]. */
  SoftmaxCrossEntropy: defineKernel({
    op: 'softmaxCrossEntropy',
    inputs: { logits: 'tensor', target: 'tensor' },
    infer: ({ logits, target }) => {
      if (logits.shape.length !== 2 || !shapesEqual(logits.shape, target.shape)) {
        throw new ShapeError(
          `softmaxCrossEntropy: logits and target must both be [N, C], got ${fmtShape(logits.shape)} and ${fmtShape(target.shape)}`,
        );
      }
      if (logits.dtype !== target.dtype || logits.dtype === 'int32') {
        throw new DTypeError(
          `softmaxCrossEntropy: needs float logits and target of one dtype, got ${logits.dtype} and ${target.dtype}`,
        );
      }
      return [{ shape: [logits.shape[0]!], dtype: logits.dtype }];
    },
  }),
};
