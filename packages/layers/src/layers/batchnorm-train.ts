/**
 * Batch normalisation by the batch's own statistics, differentiated as one unit (as PyTorch's and cuDNN's fused
 * batch norm are): the backward is the closed form
 *   dx = w / std * (dy - mean(dy) - xhat * mean(dy * xhat)),  dw = sum(dy * xhat),  db = sum(dy)
 * in five full-size passes over the tensor instead of the ~20 the tape would run through the mean, the variance,
 * the division and the affine ops one by one (the ResNet example's batch norms spent more time there than in
 * the convolutions).
 */
import { customGrad } from '@nn/autograd';
import { ones, type Tensor, tidy } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';

/** What the training forward pass gives: the output, and the batch statistics for the running estimates. */
export interface BatchStats {
  y: Tensor;
  mean: Tensor;
  /** Biased (divided by the count), as normalisation uses it. */
  variance: Tensor;
}

/** mean, centered x and 1 / sqrt(var + eps), [1, C, 1, ...]-shaped statistics over `axes`. */
function statistics(x: Tensor, axes: number[], eps: number) {
  const mean = x.mean(axes, true);
  const centered = x.sub(mean);
  const variance = centered.square().mean(axes, true);
  const invStd = ones(variance.shape, x.dtype).div(variance.add(eps).sqrt());
  return { mean, centered, variance, invStd };
}

/** y = centered * (w / std) + b, with the per-channel factors computed on the small statistics first. */
function normalise(
  centered: Tensor,
  invStd: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  channelShape: number[],
) {
  const scale = weight === null ? invStd : invStd.mul(weight.reshape(channelShape));
  const y = centered.mul(scale);
  return bias === null ? y : y.add(bias.reshape(channelShape));
}

/**
 * Normalises x [N, C, ...] per channel over `axes` by the batch statistics, then scales and shifts by weight and
 * bias ([C], or null); differentiable in all three through the closed-form backward above.
 */
export function batchNormTraining(
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  axes: number[],
  eps: number,
): BatchStats {
  const channelShape = x.shape.map((d, i) => (i === 1 ? d : 1));
  let stats: { mean: Tensor; variance: Tensor } | null = null;
  if (!engine.isRecording()) {
    const { mean, centered, variance, invStd } = statistics(x, axes, eps);
    return { y: normalise(centered, invStd, weight, bias, channelShape), mean, variance };
  }
  const params = [weight, bias].filter((p): p is Tensor => p !== null);
  const fn = customGrad((...inputs: Tensor[]) => {
    const { mean, centered, variance, invStd } = statistics(inputs[0]!, axes, eps);
    stats = { mean, variance };
    return {
      value: normalise(centered, invStd, weight, bias, channelShape),
      // The tape keeps copies of these past the caller's tidy, and frees them even if no gradient reaches here.
      save: [centered, invStd],
      grad: (dy: Tensor, [keptCentered, keptInvStd]) =>
        tidy(() => backward(dy, keptCentered!, keptInvStd!, weight, bias, axes, channelShape)),
    };
  });
  const y = fn(x, ...params);
  const { mean, variance } = stats as unknown as { mean: Tensor; variance: Tensor };
  return { y, mean, variance };
}

/** [dx, dw?, db?] (dw and db only for the parameters that exist, in that order). */
function backward(
  dy: Tensor,
  centered: Tensor,
  invStd: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  axes: number[],
  channelShape: number[],
): Tensor[] {
  const count = axes.reduce((n, a) => n * dy.shape[a]!, 1);
  const channels = [channelShape[1]!];
  const sumDy = dy.sum(axes, true);
  // sum(dy * xhat) = invStd * sum(dy * centered)
  const sumDyXhat = dy.mul(centered).sum(axes, true).mul(invStd);
  const scale = weight === null ? invStd : invStd.mul(weight.reshape(channelShape));
  // dx = scale * dy - scale * mean(dy) - centered * (scale * invStd * mean(dy * xhat))
  const shift = scale.mul(sumDy).div(count);
  const slope = scale.mul(invStd).mul(sumDyXhat).div(count);
  const dx = dy.mul(scale).sub(centered.mul(slope)).sub(shift);
  const grads = [dx];
  if (weight !== null) grads.push(sumDyXhat.reshape(channels));
  if (bias !== null) grads.push(sumDy.reshape(channels));
  return grads;
}
