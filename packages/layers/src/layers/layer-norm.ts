/** LayerNorm: normalises over the trailing `normalizedShape` axes of each sample, PyTorch's names and init. */
import {
  checkOptions,
  describeValue,
  layerNorm,
  type OptionKeys,
  ones,
  type Tensor,
  ValueError,
  zeros,
} from '@nn/tensor';
import { Module } from '../module';
import { configBoolean, configNumber } from './config';

/** Options of the `LayerNorm` layer. */
export interface LayerNormLayerOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn `weight` (ones) and `bias` (zeros) of shape normalizedShape (default true). */
  elementwiseAffine?: boolean;
}

const OPTIONS: OptionKeys<LayerNormLayerOptions> = { eps: true, elementwiseAffine: true };

/**
 * Zero mean and unit (biased) variance over the last axes, then `* weight + bias`; the same in train and eval mode.
 * @example new LayerNorm(512).forward(x) // x: [N, T, 512]
 */
export class LayerNorm extends Module {
  weight: Tensor | null = null;
  bias: Tensor | null = null;
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  constructor(normalizedShape: number | readonly number[], options: LayerNormLayerOptions = {}) {
    super();
    checkOptions('LayerNorm', options, OPTIONS);
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new ValueError(
        `LayerNorm: normalizedShape must be a positive integer or a non-empty array of them, got ${describeValue(normalizedShape)}`,
      );
    }
    const { eps = 1e-5, elementwiseAffine = true } = options;
    if (!(typeof eps === 'number' && eps >= 0)) throw new ValueError(`LayerNorm: eps must be >= 0, got ${eps}`);
    this.normalizedShape = [...shape];
    this.eps = eps;
    this.elementwiseAffine = elementwiseAffine;
    if (elementwiseAffine) {
      this.registerParameter('weight', ones(shape));
      this.registerParameter('bias', zeros(shape));
    }
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, {
      eps: this.eps,
      ...(this.weight === null ? {} : { weight: this.weight }),
      ...(this.bias === null ? {} : { bias: this.bias }),
    });
  }

  override getConfig(): Record<string, unknown> {
    return { normalizedShape: [...this.normalizedShape], eps: this.eps, elementwiseAffine: this.elementwiseAffine };
  }

  static fromConfig(config: Record<string, unknown>): LayerNorm {
    const shape = config.normalizedShape;
    return new LayerNorm(
      Array.isArray(shape) ? (shape as number[]) : configNumber('LayerNorm', config, 'normalizedShape'),
      {
        eps: configNumber('LayerNorm', config, 'eps', 1e-5),
        elementwiseAffine: configBoolean('LayerNorm', config, 'elementwiseAffine', true),
      },
    );
  }
}
