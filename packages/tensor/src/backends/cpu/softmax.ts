/** Fused softmax cross-entropy: the one place where computing log-softmax stably matters most. */
import { type KernelFn, outputInfo } from '../../backend/interface';
import { typedArrayFor } from '../../types';

/**
 * loss[i] = -sum_j target[i, j] * logSoftmax(logits[i])_j = sum_j target[i, j] * (lse_i - logits[i, j]),
 * with lse_i = max_i + log(sum_j exp(logits[i, j] - max_i)) so no exp overflows.
 */
const softmaxCrossEntropy: KernelFn<'SoftmaxCrossEntropy'> = ({
  inputs: { logits, target },
  outputs: [loss],
  backend,
}) => {
  const z = backend.readSync(logits.dataId);
  const t = backend.readSync(target.dataId);
  const [rows, classes] = logits.shape as [number, number];
  const out = typedArrayFor(loss.dtype, rows);
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = base; j < base + classes; j++) if (z[j]! > max) max = z[j]!;
    let sumExp = 0;
    for (let j = base; j < base + classes; j++) sumExp += Math.exp(z[j]! - max);
    const lse = max + Math.log(sumExp);
    let loss = 0;
    // A zero target contributes nothing even where the logit is -Infinity (0 * Infinity would be NaN).
    for (let j = base; j < base + classes; j++) if (t[j]! !== 0) loss += t[j]! * (lse - z[j]!);
    out[r] = loss;
  }
  return outputInfo(backend, out, loss.shape, loss.dtype);
};

export const softmaxKernels = { SoftmaxCrossEntropy: softmaxCrossEntropy };
