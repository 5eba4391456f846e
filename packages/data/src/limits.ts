import { FormatError, ValueError } from '@nn/tensor';

/** What decoding one image may cost: its pixel count and the working memory of its decoder. */
export interface DecodeLimits {
  maxPixels: number;
  maxBytes: number;
}

/** Default largest width * height. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

// A compressed image can claim a size out of all proportion to its bytes (a flat 7000x7000 JPEG fits in 600 kB);
// by default a decode may use this much memory per input byte, and always at least MIN_DECODE_BYTES (enough for
// images up to about 0.5-1 megapixel, depending on the format). Chosen so that any input of 1 MB or less decodes
// in about 0.2 s and 128 MB at most with the pure-JavaScript decoders (see jpeg-fuzz.test.ts, png-limits.test.ts).
export const DECODE_BYTES_PER_INPUT_BYTE = 32;
export const MIN_DECODE_BYTES = 32 * 2 ** 20;
// Bytes past the first MiB earn more: a phone photo compresses to ~0.25 bytes per pixel and its decoder needs ~11
// bytes per pixel (about 45 per input byte), so a 3 MB, 12-megapixel photo must decode by default. Memory stays in
// proportion to the input; the 1 MB bound above is unchanged.
export const LARGE_INPUT_BYTES = 2 ** 20;
export const DECODE_BYTES_PER_LARGE_INPUT_BYTE = 128;

/** The default memory a decode of `inputBytes` may use (see the constants above). */
export function defaultDecodeBytes(inputBytes: number): number {
  const small = Math.min(inputBytes, LARGE_INPUT_BYTES);
  const large = Math.max(0, inputBytes - LARGE_INPUT_BYTES);
  return Math.max(MIN_DECODE_BYTES, DECODE_BYTES_PER_INPUT_BYTE * small + DECODE_BYTES_PER_LARGE_INPUT_BYTE * large);
}

/** The limits for one input: `maxPixels` as given, `maxDecodeBytes` as given or scaled by the input's size. */
export function decodeLimits(
  inputBytes: number,
  options: { maxPixels?: number; maxDecodeBytes?: number },
): DecodeLimits {
  for (const name of ['maxPixels', 'maxDecodeBytes'] as const) {
    const value = options[name];
    if (value !== undefined && !(typeof value === 'number' && value > 0)) {
      throw new ValueError(`imageToTensor: ${name} must be a positive number, got ${String(value)}`);
    }
  }
  return {
    maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
    maxBytes: options.maxDecodeBytes ?? defaultDecodeBytes(inputBytes),
  };
}

/** Refuses an image over `maxPixels`: the first check on any header, before anything else is trusted. */
export function checkPixels(what: string, format: string, width: number, height: number, limits: DecodeLimits) {
  if (width * height > limits.maxPixels) {
    throw new FormatError(`${what}: ${format} of ${width}x${height} pixels exceeds maxPixels=${limits.maxPixels}`);
  }
}

/** Refuses, before anything is allocated, an image whose decoder would need more than `maxBytes`. */
export function checkDecodeBytes(
  what: string,
  format: string,
  size: { width: number; height: number; inputBytes: number; decodeBytes: number },
  limits: DecodeLimits,
): void {
  const { width, height, inputBytes, decodeBytes } = size;
  if (decodeBytes > limits.maxBytes) {
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
    throw new FormatError(
      `${what}: ${format} of ${width}x${height} from ${inputBytes} bytes would need about ${mb(decodeBytes)} to ` +
        `decode, over maxDecodeBytes=${limits.maxBytes} (${mb(limits.maxBytes)}); pass a larger maxDecodeBytes ` +
        'if the file is trusted',
    );
  }
}
