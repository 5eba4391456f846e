/** Layer normalisation (one fused kernel, forward and backward). */
import { engine } from '../engine';
import { ShapeError, ValueError } from '../errors';
import type { Tensor } from '../tensor';
import { checkOptions, describeValue, type OptionKeys } from '../util/options';
import { shapesEqual } from '../util/shape';
import { assertTensor } from './create';

/** Options of `layerNorm`: the affine weight and bias, and eps. */
export interface LayerNormOptions {
  /** Multiplies the normalised values (shape `normalizedShape`). */
  weight?: Tensor;
  /** Added after the weight (shape `normalizedShape`). */
  bias?: Tensor;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

const LAYER_NORM_OPTIONS: OptionKeys<LayerNormOptions> = { weight: true, bias: true, eps: true };

/**
 * Normalises over the trailing axes `normalizedShape` (mean 0, biased variance 1), then `* weight + bias`, as
 * `torch.nn.functional.layer_norm`.
 * @example layerNorm(x, [x.shape.at(-1)], { weight, bias })
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  options: LayerNormOptions = {},
): Tensor {
  assertTensor('layerNorm', x);
  checkOptions('layerNorm', options, LAYER_NORM_OPTIONS);
  const { weight, bias, eps = 1e-5 } = options;
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shapesEqual(shape, x.shape.slice(x.rank - shape.length))) {
    throw new ShapeError(
      `layerNorm: normalizedShape ${describeValue(normalizedShape)} must be the trailing shape of x [${x.shape}]`,
    );
  }
  if (typeof eps !== 'number' || !(eps >= 0))
    throw new ValueError(`layerNorm: eps must be >= 0, got ${describeValue(eps)}`);
  if (weight !== undefined) assertTensor('layerNorm', weight, 'weight');
  if (bias !== undefined) assertTensor('layerNorm', bias, 'bias');
  const inputs = { x, ...(weight === undefined ? {} : { weight }), ...(bias === undefined ? {} : { bias }) };
  return engine.runKernel('LayerNorm', inputs, { axes: shape.length, eps });
}

/** @internal The gradient of layerNorm with respect to x (autograd's rule calls it). */
export function layerNormBackward(
  dy: Tensor,
  x: Tensor,
  weight: Tensor | undefined,
  attrs: { axes: number; eps: number },
): Tensor {
  return engine.runKernel('LayerNormBackward', { dy, x, ...(weight === undefined ? {} : { weight }) }, attrs);
}
