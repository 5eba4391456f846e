/** The eps/affine set-up BatchNorm and GroupNorm share, with errors naming the layer that was given them. */
import { ones, type Tensor, ValueError, zeros } from '@nn/tensor';

/** `eps` (default 1e-5, must be positive) and `affine` (default true), PyTorch's defaults. */
export function normOptions(
  layer: string,
  options: { eps?: number; affine?: boolean },
): { eps: number; affine: boolean } {
  const { eps = 1e-5, affine = true } = options;
  if (!(eps > 0)) throw new ValueError(`${layer}: eps must be positive, got ${eps}`);
  return { eps, affine };
}

/** The per-channel scale (ones) and shift (zeros) of an affine normalisation, or nulls without one. */
export function affineParameters(numChannels: number, affine: boolean): { weight: Tensor | null; bias: Tensor | null } {
  return affine ? { weight: ones([numChannels]), bias: zeros([numChannels]) } : { weight: null, bias: null };
}
