/** Upsample and AdaptiveAvgPool2d: resizing NCHW images by a fixed rule (no parameters), as PyTorch's modules. */
import {
  adaptiveAvgPool2d,
  checkOptions,
  describeValue,
  interpolate,
  type OptionKeys,
  type Tensor,
  ValueError,
} from '@nn/tensor';
import { Module } from '../module';
import { configPair, copyPair } from './config';

type Size = number | readonly [number, number];

/** Options of `Upsample`: a size or a scale factor, and the interpolation mode. */
export interface UpsampleOptions {
  /** Output [height, width] (or one number for both); give this or scaleFactor. */
  size?: Size;
  /** Output = floor(input * scaleFactor) per axis. */
  scaleFactor?: Size;
  /** 'nearest' (default) or 'bilinear'. */
  mode?: 'nearest' | 'bilinear';
  /** Bilinear only: map the corner pixels' centres onto each other (default false). */
  alignCorners?: boolean;
}

const UPSAMPLE_OPTIONS: OptionKeys<UpsampleOptions> = { size: true, scaleFactor: true, mode: true, alignCorners: true };

/**
 * Resizes [N, C, H, W] images by `scaleFactor` or to `size`, nearest-neighbour or bilinear (F.interpolate).
 * @example new Upsample({ scaleFactor: 2, mode: 'bilinear' }) // [N, C, H, W] -> [N, C, 2H, 2W]
 */
export class Upsample extends Module {
  readonly size: number | [number, number] | undefined;
  readonly scaleFactor: number | [number, number] | undefined;
  readonly mode: 'nearest' | 'bilinear';
  readonly alignCorners: boolean | undefined;

  constructor(options: UpsampleOptions) {
    super();
    if (options === null || typeof options !== 'object') {
      throw new ValueError(`Upsample: options { scaleFactor } or { size } are required, got ${describeValue(options)}`);
    }
    checkOptions('Upsample', options, UPSAMPLE_OPTIONS);
    const { size, scaleFactor, mode = 'nearest', alignCorners } = options;
    if ((size === undefined) === (scaleFactor === undefined)) {
      throw new ValueError('Upsample: give exactly one of size and scaleFactor');
    }
    if (mode !== 'nearest' && mode !== 'bilinear') {
      throw new ValueError(`Upsample: mode must be 'nearest' or 'bilinear', got ${describeValue(mode)}`);
    }
    if (alignCorners !== undefined && mode !== 'bilinear') {
      throw new ValueError("Upsample: alignCorners applies to mode 'bilinear' only");
    }
    this.size = size === undefined ? undefined : copyPair(size);
    this.scaleFactor = scaleFactor === undefined ? undefined : copyPair(scaleFactor);
    this.mode = mode;
    this.alignCorners = alignCorners;
  }

  forward(x: Tensor): Tensor {
    return interpolate(x, this.getConfig() as UpsampleOptions);
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { mode: this.mode };
    if (this.size !== undefined) config.size = copyPair(this.size);
    if (this.scaleFactor !== undefined) config.scaleFactor = copyPair(this.scaleFactor);
    if (this.alignCorners !== undefined) config.alignCorners = this.alignCorners;
    return config;
  }
}

/**
 * Average pooling to a fixed [outH, outW] whatever the input size: [N, C, H, W] -> [N, C, outH, outW].
 * @example new AdaptiveAvgPool2d(1) // global average pooling
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: number | [number, number];

  constructor(outputSize: Size) {
    super();
    const values = typeof outputSize === 'number' ? [outputSize] : outputSize;
    if (!Array.isArray(values) || !values.every((v) => Number.isInteger(v) && v >= 1) || values.length > 2) {
      throw new ValueError(
        `AdaptiveAvgPool2d: outputSize must be a positive integer or a pair of them, got ${describeValue(outputSize)}`,
      );
    }
    this.outputSize = copyPair(outputSize);
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override getConfig(): Record<string, unknown> {
    return { outputSize: copyPair(this.outputSize) };
  }

  static fromConfig(config: Record<string, unknown>): AdaptiveAvgPool2d {
    return new AdaptiveAvgPool2d(configPair('AdaptiveAvgPool2d', config, 'outputSize'));
  }
}
