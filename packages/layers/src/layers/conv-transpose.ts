/** ConvTranspose2d: the transposed 2-D convolution, weight [inChannels, outChannels / groups, kH, kW] as PyTorch. */
import { checkOptions, convTranspose2d, fmtShape, type OptionKeys, ShapeError, type Tensor, tidy } from '@nn/tensor';
import type { InitOptions } from '../init';
import { Module } from '../module';
import { configPair, copyPair } from './config';
import { convConfig, readConvConfig } from './conv-config';
import { addChannelBias, checkConvGroups, checkConvSize, convParameters } from './conv-options';
import { assertPositiveInt } from './linear';

type Size = number | readonly [number, number];

/** Options of the `ConvTranspose2d` layer. */
export interface ConvTranspose2dLayerOptions extends InitOptions {
  stride?: Size;
  /** Rows/columns cut from each side of the full output (PyTorch's `padding`, default 0). */
  padding?: Size;
  /** Extra rows/columns at the bottom/right (default 0; less than the stride or the dilation). */
  outputPadding?: Size;
  dilation?: Size;
  groups?: number;
  /** Learn one bias per output channel (default true). */
  bias?: boolean;
}

const OPTIONS: OptionKeys<ConvTranspose2dLayerOptions> = {
  stride: true,
  padding: true,
  outputPadding: true,
  dilation: true,
  groups: true,
  bias: true,
  generator: true,
};

/**
 * Upsampling by a learned kernel (the gradient of Conv2d with respect to its input): [N, inChannels, H, W] ->
 * [N, outChannels, (H - 1) * stride - 2 * padding + dilation * (kH - 1) + outputPadding + 1, ...].
 * @example new ConvTranspose2d(16, 8, 3, { stride: 2, padding: 1, outputPadding: 1 }) // doubles H and W
 */
export class ConvTranspose2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: number | [number, number];
  readonly stride: number | [number, number];
  readonly padding: number | [number, number];
  readonly outputPadding: number | [number, number];
  readonly dilation: number | [number, number];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size,
    options: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    checkOptions('ConvTranspose2d', options, OPTIONS);
    assertPositiveInt('ConvTranspose2d', 'inChannels', inChannels);
    assertPositiveInt('ConvTranspose2d', 'outChannels', outChannels);
    const name = 'ConvTranspose2d';
    checkConvSize(name, 'kernelSize', kernelSize, 1);
    const { stride = 1, padding = 0, outputPadding = 0, dilation = 1, groups = 1 } = options;
    checkConvSize(name, 'stride', stride, 1);
    checkConvSize(name, 'padding', padding, 0);
    checkConvSize(name, 'outputPadding', outputPadding, 0);
    checkConvSize(name, 'dilation', dilation, 1);
    checkConvGroups(name, inChannels, outChannels, groups);
    this.kernelSize = copyPair(kernelSize);
    this.stride = copyPair(stride);
    this.padding = copyPair(padding);
    this.outputPadding = copyPair(outputPadding);
    this.dilation = copyPair(dilation);
    this.groups = groups;
    const [kH, kW] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    // PyTorch's fan-in of a transposed convolution is the weight's second axis (outChannels / groups) times the kernel
    // area, as for the other convolutions: convParameters takes it from the weight's shape.
    const { weight, bias } = convParameters([inChannels, outChannels / groups, kH, kW], outChannels, options);
    this.weight = weight;
    this.bias = bias;
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) {
      throw new ShapeError(`ConvTranspose2d: expected input [N, ${this.inChannels}, H, W], got ${fmtShape(x.shape)}`);
    }
    const { stride, padding, outputPadding, dilation, groups } = this;
    return tidy(() =>
      addChannelBias(convTranspose2d(x, this.weight, { stride, padding, outputPadding, dilation, groups }), this.bias),
    );
  }

  override getConfig(): Record<string, unknown> {
    const { kernelSize, stride, padding, outputPadding, dilation } = this;
    return convConfig(this, {
      kernelSize: copyPair(kernelSize),
      stride: copyPair(stride),
      padding: copyPair(padding),
      outputPadding: copyPair(outputPadding),
      dilation: copyPair(dilation),
    });
  }

  static fromConfig(config: Record<string, unknown>): ConvTranspose2d {
    const name = 'ConvTranspose2d';
    const sizes = { kernelSize: undefined, stride: 1, padding: 0, outputPadding: 0, dilation: 1 };
    const { inChannels, outChannels, kernelSize, ...rest } = readConvConfig(name, config, configPair, sizes);
    return new ConvTranspose2d(inChannels, outChannels, kernelSize, rest);
  }
}
