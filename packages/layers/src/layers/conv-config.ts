/** The saved config of Conv1d, Conv2d and ConvTranspose2d: the fields they share, written and read back. */
import type { Tensor } from '@nn/tensor';
import { configBoolean, configNumber } from './config';

type Config = Record<string, unknown>;

/** The fields of a conv layer that `convConfig` saves besides its sizes. */
interface ConvLayer {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
  readonly bias: Tensor | null;
}

/** A conv layer's config: channels, then its `sizes` (kernelSize, stride, padding...) in order, groups and bias. */
export function convConfig(layer: ConvLayer, sizes: Config): Config {
  return {
    inChannels: layer.inChannels,
    outChannels: layer.outChannels,
    ...sizes,
    groups: layer.groups,
    bias: layer.bias !== null,
  };
}

/** The sizes Conv1d and Conv2d save besides padding (which may be 'same' or 'valid'), with their defaults. */
export const CONV_SIZES = { kernelSize: undefined, stride: 1, dilation: 1 };

/**
 * A conv layer's config read back, in `convConfig`'s order, with errors naming `layer`: channels, then each size of
 * `defaults` (`undefined`: required) read by `size` (`configNumber` for Conv1d, `configPair` for the 2-D layers),
 * groups and bias.
 */
export function readConvConfig<Key extends string, Size>(
  layer: string,
  config: Config,
  size: (layer: string, config: Config, key: string, fallback?: number) => Size,
  defaults: Record<Key, number | undefined>,
): { inChannels: number; outChannels: number; groups: number; bias: boolean } & Record<Key, Size> {
  const inChannels = configNumber(layer, config, 'inChannels');
  const outChannels = configNumber(layer, config, 'outChannels');
  const sizes = Object.entries<number | undefined>(defaults).map(([key, fallback]) => [
    key,
    size(layer, config, key, fallback),
  ]);
  return {
    inChannels,
    outChannels,
    ...(Object.fromEntries(sizes) as Record<Key, Size>),
    groups: configNumber(layer, config, 'groups', 1),
    bias: configBoolean(layer, config, 'bias', true),
  };
}
