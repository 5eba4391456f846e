/** Conv1d: 1-D convolution over [N, C, L] sequences, weight [outChannels, inChannels / groups, kernelSize] as PyTorch. */
import {
  checkOptions,
  conv1d,
  describeValue,
  fmtShape,
  type OptionKeys,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
} from '@nn/tensor';
import type { InitOptions } from '../init';
import { Module } from '../module';
import { configNumber } from './config';
import { CONV_SIZES, convConfig, readConvConfig } from './conv-config';
import { addChannelBias, checkConvGroups, convParameters } from './conv-options';
import { assertPositiveInt } from './linear';

/** Options of the `Conv1d` layer. */
export interface Conv1dLayerOptions extends InitOptions {
  stride?: number;
  /** Zeros at both ends (default 0), or 'same' / 'valid'. */
  padding?: number | 'same' | 'valid';
  dilation?: number;
  /** Split the channels into this many independent convolutions (default 1). */
  groups?: number;
  /** Learn one bias per output channel (default true). */
  bias?: boolean;
}

const CONV1D_OPTIONS: OptionKeys<Conv1dLayerOptions> = {
  stride: true,
  padding: true,
  dilation: true,
  groups: true,
  bias: true,
  generator: true,
};

/**
 * A 1-D convolution layer: [N, inChannels, L] -> [N, outChannels, outL].
 * @example new Conv1d(16, 32, 3, { padding: 1 }) // keeps the length
 */
export class Conv1d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly stride: number;
  readonly padding: number | 'same' | 'valid';
  readonly dilation: number;
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    options: Conv1dLayerOptions = {},
  ) {
    super();
    checkOptions('Conv1d', options, CONV1D_OPTIONS);
    assertPositiveInt('Conv1d', 'inChannels', inChannels);
    assertPositiveInt('Conv1d', 'outChannels', outChannels);
    assertPositiveInt('Conv1d', 'kernelSize', kernelSize);
    const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
    assertPositiveInt('Conv1d', 'stride', stride);
    assertPositiveInt('Conv1d', 'dilation', dilation);
    if (!(padding === 'same' || padding === 'valid' || (Number.isInteger(padding) && padding >= 0))) {
      throw new ValueError(`Conv1d: padding must be an integer >= 0, 'same' or 'valid', got ${describeValue(padding)}`);
    }
    checkConvGroups('Conv1d', inChannels, outChannels, groups);
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.groups = groups;
    const { weight, bias } = convParameters([outChannels, inChannels / groups, kernelSize], outChannels, options);
    this.weight = weight;
    this.bias = bias;
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 3 || x.shape[1] !== this.inChannels) {
      throw new ShapeError(`Conv1d: expected input [N, ${this.inChannels}, L], got ${fmtShape(x.shape)}`);
    }
    const { stride, padding, dilation, groups } = this;
    return tidy(() => addChannelBias(conv1d(x, this.weight, { stride, padding, dilation, groups }), this.bias));
  }

  override getConfig(): Record<string, unknown> {
    const { kernelSize, stride, padding, dilation } = this;
    return convConfig(this, { kernelSize, stride, padding, dilation });
  }

  static fromConfig(config: Record<string, unknown>): Conv1d {
    const padding =
      typeof config.padding === 'string' ? (config.padding as 'same') : configNumber('Conv1d', config, 'padding', 0);
    const { inChannels, outChannels, kernelSize, ...rest } = readConvConfig('Conv1d', config, configNumber, CONV_SIZES);
    return new Conv1d(inChannels, outChannels, kernelSize, { ...rest, padding });
  }
}
