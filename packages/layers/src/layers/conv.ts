/** Conv2d: 2-D convolution over NCHW images, weight [outChannels, inChannels, kH, kW] as PyTorch. */
import {
  checkOptions,
  conv2d,
  describeValue,
  fmtShape,
  type OptionKeys,
  type PaddingSpec,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
} from '@nn/tensor';
import { fanInBound, type InitOptions, uniformParameter } from '../init';
import { Module } from '../module';
import { configBoolean, configNumber, configPair, copyPair } from './config';
import { assertPositiveInt } from './linear';

/** Options of the `Conv2d` layer. */
export interface Conv2dLayerOptions extends InitOptions {
  stride?: number | readonly [number, number];
  /** A number or [padH, padW] of zeros on each side, or 'same' / 'valid'. */
  padding?: PaddingSpec;
  /** Learn one bias per output channel (default true). */
  bias?: boolean;
}

const CONV2D_OPTIONS: OptionKeys<Conv2dLayerOptions> = { stride: true, padding: true, bias: true, generator: true };

/** A number or a pair of integers >= `min` (what conv2d will accept), checked now so a bad layer is never built. */
function checkSize(name: string, value: unknown, min: number): void {
  const values = Array.isArray(value) && value.length === 2 ? value : [value];
  if (!values.every((v) => Number.isInteger(v) && (v as number) >= min)) {
    throw new ValueError(`Conv2d: ${name} must be an integer >= ${min} or a pair of them, got ${describeValue(value)}`);
  }
}

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
    const { stride = 1, padding = 0 } = options;
    if (typeof padding === 'string') {
      if (padding !== 'same' && padding !== 'valid') {
        throw new ValueError(`Conv2d: padding must be a number, a pair, 'same' or 'valid', got '${padding}'`);
      }
    } else {
      checkSize('padding', padding, 0);
    }
    checkSize('stride', stride, 1);
    this.kernelSize = copyPair(kernelSize);
    this.stride = copyPair(stride);
    this.padding = typeof padding === 'string' ? padding : copyPair(padding);
    const bound = fanInBound(inChannels * kH * kW);
    this.weight = uniformParameter([outChannels, inChannels, kH, kW], bound, options.generator);
    this.bias = options.bias === false ? null : uniformParameter([outChannels], bound, options.generator);
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) {
      throw new ShapeError(`Conv2d: expected input [N, ${this.inChannels}, H, W], got ${fmtShape(x.shape)}`);
    }
    return tidy(() => {
      const y = conv2d(x, this.weight, { stride: this.stride, padding: this.padding });
      return this.bias === null ? y : y.add(this.bias.reshape([1, this.outChannels, 1, 1]));
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: copyPair(this.kernelSize),
      stride: copyPair(this.stride),
      padding: typeof this.padding === 'string' ? this.padding : copyPair(this.padding),
      bias: this.bias !== null,
    };
  }

  static fromConfig(config: Record<string, unknown>): Conv2d {
    const name = 'Conv2d';
    const padding =
      typeof config.padding === 'string' ? (config.padding as PaddingSpec) : configPair(name, config, 'padding', 0);
    return new Conv2d(
      configNumber(name, config, 'inChannels'),
      configNumber(name, config, 'outChannels'),
      configPair(name, config, 'kernelSize'),
      {
        stride: configPair(name, config, 'stride', 1),
        padding,
        bias: configBoolean(name, config, 'bias', true),
      },
    );
  }
}
