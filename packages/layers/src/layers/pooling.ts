/** MaxPool2d and AvgPool2d over NCHW images; the stride defaults to the kernel size, as PyTorch. */
import {
  avgPool2d,
  checkOptions,
  maxPool2d,
  type OptionKeys,
  type Pool2dOptions,
  type Tensor,
  ValueError,
} from '@nn/tensor';
import { Module } from '../module';
import { configPair, copyPair } from './config';

type Size = number | readonly [number, number];

/** Options of `MaxPool2d` and `AvgPool2d`. */
export interface PoolLayerOptions {
  /** Defaults to the kernel size. */
  stride?: Size;
  /** Implicit padding on each side (at most half the kernel). */
  padding?: Size;
}

const POOL_OPTIONS: OptionKeys<PoolLayerOptions> = { stride: true, padding: true };
const POOL_OBJECT_OPTIONS: OptionKeys<Pool2dOptions> = { kernelSize: true, stride: true, padding: true };

abstract class Pool2d extends Module {
  readonly kernelSize: number | [number, number];
  readonly stride: number | [number, number];
  readonly padding: number | [number, number];

  /** `new MaxPool2d(2)`, `new MaxPool2d(3, { stride: 2 })` or `new MaxPool2d({ kernelSize: 3, stride: 2 })`. */
  constructor(kernelSize: Size | Pool2dOptions, options: PoolLayerOptions = {}) {
    super();
    const name = this.constructor.name;
    const objectForm = typeof kernelSize === 'object' && kernelSize !== null && !Array.isArray(kernelSize);
    if (objectForm) checkOptions(name, kernelSize as Pool2dOptions, POOL_OBJECT_OPTIONS);
    else checkOptions(name, options, POOL_OPTIONS);
    const opts: Pool2dOptions = objectForm
      ? (kernelSize as Pool2dOptions)
      : { ...options, kernelSize: kernelSize as Size };
    if (opts.kernelSize === undefined) throw new ValueError(`${name}: kernelSize is required`);
    this.kernelSize = copyPair(opts.kernelSize);
    this.stride = copyPair(opts.stride ?? opts.kernelSize);
    this.padding = copyPair(opts.padding ?? 0);
  }

  protected options(): Pool2dOptions {
    return { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding };
  }

  override getConfig(): Record<string, unknown> {
    return { kernelSize: copyPair(this.kernelSize), stride: copyPair(this.stride), padding: copyPair(this.padding) };
  }
}

function poolOptions(layer: string, config: Record<string, unknown>): Pool2dOptions {
  const kernelSize = configPair(layer, config, 'kernelSize');
  return {
    kernelSize,
    stride: configPair(layer, config, 'stride', kernelSize),
    padding: configPair(layer, config, 'padding', 0),
  };
}

/** Max over each window: [N, C, H, W] -> [N, C, outH, outW]. */
export class MaxPool2d extends Pool2d {
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.options());
  }

  static fromConfig(config: Record<string, unknown>): MaxPool2d {
    return new MaxPool2d(poolOptions('MaxPool2d', config));
  }
}

/** Mean over each window (zero padding counts, as PyTorch's default count_include_pad). */
export class AvgPool2d extends Pool2d {
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.options());
  }

  static fromConfig(config: Record<string, unknown>): AvgPool2d {
    return new AvgPool2d(poolOptions('AvgPool2d', config));
  }
}
