/** Conv2d: 2-D convolution over NCHW images, weight [outChannels, inChannels / groups, kH, kW] as PyTorch. */
import {
  checkOptions,
  conv2d,
  fmtShape,
  type OptionKeys,
  type PaddingSpec,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
} from '@nn/tensor';
import type { InitOptions } from '../init';
import { Module } from '../module';
import { configPair, copyPair } from './config';
import { CONV_SIZES, convConfig, readConvConfig } from './conv-config';
import { addChannelBias, checkConvGroups, checkConvSize, convParameters } from './conv-options';
import { assertPositiveInt } from './linear';

/** Options of the `Conv2d` layer. */
export interface Conv2dLayerOptions extends InitOptions {
  stride?: number | readonly [number, number];
  /** A number or [padH, padW] of zeros on each side, or 'same' / 'valid'. */
  padding?: PaddingSpec;
  /** Spacing between kernel taps, a number or [dH, dW] (default 1). */
  dilation?: number | readonly [number, number];
  /** Split the channels into this many independent convolutions (default 1; `inChannels` = groups: depthwise). */
  groups?: number;
  /** Learn one bias per output channel (default true). */
  bias?: boolean;
}

const CONV2D_OPTIONS: OptionKeys<Conv2dLayerOptions> = {
  stride: true,
  padding: true,
  dilation: true,
  groups: true,
  bias: true,
  generator: true,
};

/**
 * A 2-D convolution layer: [N, inChannels, H, W] -> [N, outChannels, outH, outW].
 * @example new Conv2d(1, 6, 5, { padding: 2 }) // 28x28 in, 28x28 out
 */
export class Conv2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: number | [number, number];
  readonly stride: number | [number, number];
  readonly padding: PaddingSpec;
  readonly dilation: number | [number, number];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly [number, number],
    options: Conv2dLayerOptions = {},
  ) {
    super();
    checkOptions('Conv2d', options, CONV2D_OPTIONS);
    assertPositiveInt('Conv2d', 'inChannels', inChannels);
    assertPositiveInt('Conv2d', 'outChannels', outChannels);
    const [kH, kW] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    assertPositiveInt('Conv2d', 'kernelSize', kH);
    assertPositiveInt('Conv2d', 'kernelSize', kW);
    const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') {
        throw new ValueError(`Conv2d: padding must be a number, a pair, 'same' or 'valid', got '${padding}'`);
      }
    } else {
      checkConvSize('Conv2d', 'padding', padding, 0);
    }
    checkConvSize('Conv2d', 'stride', stride, 1);
    checkConvSize('Conv2d', 'dilation', dilation, 1);
    checkConvGroups('Conv2d', inChannels, outChannels, groups);
    this.kernelSize = copyPair(kernelSize);
    this.stride = copyPair(stride);
    this.padding = typeof padding === 'string' ? padding : copyPair(padding);
    this.dilation = copyPair(dilation);
    this.groups = groups;
    const { weight, bias } = convParameters([outChannels, inChannels / groups, kH, kW], outChannels, options);
    this.weight = weight;
    this.bias = bias;
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) {
      throw new ShapeError(`Conv2d: expected input [N, ${this.inChannels}, H, W], got ${fmtShape(x.shape)}`);
    }
    const { stride, padding, dilation, groups } = this;
    return tidy(() => addChannelBias(conv2d(x, this.weight, { stride, padding, dilation, groups }), this.bias));
  }

  override getConfig(): Record<string, unknown> {
    const { kernelSize, stride, padding, dilation } = this;
    return convConfig(this, {
      kernelSize: copyPair(kernelSize),
      stride: copyPair(stride),
      padding: typeof padding === 'string' ? padding : copyPair(padding),
      dilation: copyPair(dilation),
    });
  }

  static fromConfig(config: Record<string, unknown>): Conv2d {
    const padding =
      typeof config.padding === 'string' ? (config.padding as PaddingSpec) : configPair('Conv2d', config, 'padding', 0);
    const { inChannels, outChannels, kernelSize, ...rest } = readConvConfig('Conv2d', config, configPair, CONV_SIZES);
    return new Conv2d(inChannels, outChannels, kernelSize, { ...rest, padding });
  }
}
