/** Argument checks, the default init and the bias add shared by Conv1d, Conv2d and ConvTranspose2d. */
import { describeValue, type Generator, type Tensor, ValueError } from '@nn/tensor';
import { fanInBound, uniformParameter } from '../init';

/** A number or a pair of integers >= `min` (what the conv ops will accept). */
export function checkConvSize(layer: string, name: string, value: unknown, min: number): void {
  const values = Array.isArray(value) && value.length === 2 ? value : [value];
  if (!values.every((v) => Number.isInteger(v) && (v as number) >= min)) {
    throw new ValueError(
      `${layer}: ${name} must be an integer >= ${min} or a pair of them, got ${describeValue(value)}`,
    );
  }
}

/** `groups` is a positive integer dividing both channel counts, as PyTorch requires. */
export function checkConvGroups(layer: string, inChannels: number, outChannels: number, groups: unknown): void {
  if (!(Number.isInteger(groups) && (groups as number) >= 1)) {
    throw new ValueError(`${layer}: groups must be a positive integer, got ${describeValue(groups)}`);
  }
  const g = groups as number;
  if (inChannels % g !== 0 || outChannels % g !== 0) {
    throw new ValueError(
      `${layer}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${g})`,
    );
  }
}

/** y + bias over the channel axis of [N, C, ...spatial]; y itself when there is no bias. */
export function addChannelBias(y: Tensor, bias: Tensor | null): Tensor {
  if (bias === null) return y;
  const shape = y.shape.map((d, axis) => (axis === 1 ? d : 1));
  return y.add(bias.reshape(shape));
}

/**
 * PyTorch's default init of a conv layer: weight and bias (of `outChannels`, unless `bias` is false) drawn from
 * U(-b, b), b = 1 / sqrt(fan-in), where the fan-in is the weight's size past its first axis.
 */
export function convParameters(
  weightShape: readonly number[],
  outChannels: number,
  options: { bias?: boolean; generator?: Generator },
): { weight: Tensor; bias: Tensor | null } {
  const bound = fanInBound(weightShape.slice(1).reduce((n, d) => n * d, 1));
  const weight = uniformParameter(weightShape, bound, options.generator);
  const bias = options.bias === false ? null : uniformParameter([outChannels], bound, options.generator);
  return { weight, bias };
}
