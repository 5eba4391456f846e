/** GroupNorm: normalises each sample over groups of channels (batch-independent), PyTorch's names and init. */
import { checkOptions, fmtShape, type OptionKeys, ShapeError, type Tensor, tidy, ValueError } from '@nn/tensor';
import { Module } from '../module';
import { configBoolean, configNumber } from './config';
import { assertPositiveInt } from './linear';
import { affineParameters, normOptions } from './norm-options';

/** Options of `GroupNorm`. */
export interface GroupNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-channel scale `weight` (ones) and shift `bias` (zeros) (default true). */
  affine?: boolean;
}

const GROUP_NORM_OPTIONS: OptionKeys<GroupNormOptions> = { eps: true, affine: true };

/**
 * Splits the channels of [N, C, *] into `numGroups` groups and normalises each group of each sample to zero mean and
 * unit (biased) variance, then scales and shifts per channel; the same in train and eval mode.
 * @example new GroupNorm(4, 32).forward(x) // x: [N, 32, H, W]
 */
export class GroupNorm extends Module {
  weight: Tensor | null = null;
  bias: Tensor | null = null;
  readonly eps: number;
  readonly affine: boolean;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: GroupNormOptions = {},
  ) {
    super();
    checkOptions('GroupNorm', options, GROUP_NORM_OPTIONS);
    assertPositiveInt('GroupNorm', 'numGroups', numGroups);
    assertPositiveInt('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) {
      throw new ValueError(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    }
    const { eps, affine } = normOptions('GroupNorm', options);
    this.eps = eps;
    this.affine = affine;
    const { weight, bias } = affineParameters(numChannels, affine);
    this.registerParameter('weight', weight);
    this.registerParameter('bias', bias);
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 2 || x.shape[1] !== this.numChannels) {
      throw new ShapeError(`GroupNorm: expected input [N, ${this.numChannels}, *], got ${fmtShape(x.shape)}`);
    }
    return tidy(() => {
      const n = x.shape[0]!;
      const grouped = x.reshape([n, this.numGroups, -1]);
      const centred = grouped.sub(grouped.mean(2, true));
      const variance = centred.square().mean(2, true);
      let y = centred.div(variance.add(this.eps).sqrt()).reshape(x.shape);
      if (this.weight !== null && this.bias !== null) {
        const channelShape = [1, this.numChannels, ...x.shape.slice(2).map(() => 1)];
        y = y.mul(this.weight.reshape(channelShape)).add(this.bias.reshape(channelShape));
      }
      return y;
    });
  }

  override getConfig(): Record<string, unknown> {
    return { numGroups: this.numGroups, numChannels: this.numChannels, eps: this.eps, affine: this.affine };
  }

  static fromConfig(config: Record<string, unknown>): GroupNorm {
    const name = 'GroupNorm';
    return new GroupNorm(configNumber(name, config, 'numGroups'), configNumber(name, config, 'numChannels'), {
      eps: configNumber(name, config, 'eps', 1e-5),
      affine: configBoolean(name, config, 'affine', true),
    });
  }
}
