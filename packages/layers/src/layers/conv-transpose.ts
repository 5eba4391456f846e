/** ConvTranspose2d: the transposed 2-D convolution, weight [inChannels, outChannels / groups, kH, kW] as PyTorch. */
import { checkOptions, convTranspose2d, fmtShape, type OptionKeys, ShapeError, type Tensor, tidy } from '@nn/tensor';
import { fanInBound, type InitOptions, uniformParameter } from '../init';
import { Module } from '../module';
import { configBoolean, configNumber, configPair, copyPair } from './config';
import { addChannelBias, checkConvGroups, checkConvSize } from './conv-options';
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
    // PyTorch's fan-in of a transposed convolution is the weight's second axis times the kernel area.
    const bound = fanInBound((outChannels / groups) * kH * kW);
    this.weight = uniformParameter([inChannels, outChannels / groups, kH, kW], bound, options.generator);
    this.bias = options.bias === false ? null : uniformParameter([outChannels], bound, options.generator);
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
    return {
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: copyPair(this.kernelSize),
      stride: copyPair(this.stride),
      padding: copyPair(this.padding),
      outputPadding: copyPair(this.outputPadding),
      dilation: copyPair(this.dilation),
      groups: this.groups,
      bias: this.bias !== null,
    };
  }

  static fromConfig(config: Record<string, unknown>): ConvTranspose2d {
    const name = 'ConvTranspose2d';
    return new ConvTranspose2d(
      configNumber(name, config, 'inChannels'),
      configNumber(name, config, 'outChannels'),
      configPair(name, config, 'kernelSize'),
      {
        stride: configPair(name, config, 'stride', 1),
        padding: configPair(name, config, 'padding', 0),
        outputPadding: configPair(name, config, 'outputPadding', 0),
        dilation: configPair(name, config, 'dilation', 1),
        groups: configNumber(name, config, 'groups', 1),
        bias: configBoolean(name, config, 'bias', true),
      },
    );
  }
}
