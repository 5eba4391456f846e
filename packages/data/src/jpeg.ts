import { FormatError } from '@nn/tensor';
import { decode as decodeJpegLib } from 'jpeg-js';
import type { HostTensor } from './host';
import { type JpegStructure, readJpegStructure } from './jpeg-structure';
import { checkDecodeBytes, checkPixels, type DecodeLimits } from './limits';

/** True when the bytes start with a JPEG SOI marker. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

// What jpeg-js really holds per 8x8 block: one Int32Array(64) object each (256 bytes of data, ~660 bytes of
// resident memory measured on Node 20), and per output line one Uint8Array (its data plus object overhead).
const BYTES_PER_BLOCK = 700;
const BYTES_PER_LINE = 256;
// Its copy of the input, and tables allocated per segment: a 65-byte DQT table becomes an Int32Array(64).
const BYTES_PER_INPUT_BYTE = 8;
// Progressive scans each walk all the blocks of their components; libjpeg's scripts visit a block at most
// ~6 times. More passes than this over the coefficients is a CPU bomb, not an image.
const MAX_SCAN_PASSES = 16;

/** The decoder's peak working memory for this frame, from the same grid arithmetic jpeg-js uses. */
function jpegDecodeBytes(jpeg: JpegStructure, inputBytes: number, outChannels: number): number {
  const pixels = jpeg.width * jpeg.height;
  let bytes = inputBytes * BYTES_PER_INPUT_BYTE;
  for (const c of jpeg.components) {
    bytes += c.allocatedBlocks * BYTES_PER_BLOCK;
    bytes += c.blocksPerColumn * 8 * (c.blocksPerLine * 8 + BYTES_PER_LINE);
  }
  // Its interleaved samples, its RGB output, then ours in float32.
  return bytes + pixels * jpeg.components.length + pixels * 3 + pixels * outChannels * 4;
}

/**
 * Refuses a JPEG whose decoding would cost out of proportion to its bytes, before anything is allocated: every
 * scan must carry enough entropy-coded bits to possibly code the blocks the header claims, the scans together may
 * not pass over the coefficients more than MAX_SCAN_PASSES times, and the decoder's memory must fit the limits.
 */
function checkJpegCost(jpeg: JpegStructure, bytes: Uint8Array, what: string, limits: DecodeLimits): number {
  checkPixels(what, 'JPEG', jpeg.width, jpeg.height, limits);
  if (jpeg.components.length === 4 && !jpeg.adobe) {
    throw new FormatError(`${what}: unsupported JPEG: 4 components (CMYK) without an Adobe marker`);
  }
  jpeg.scans.forEach((scan, i) => {
    if (scan.availableBits < scan.minBits) {
      throw new FormatError(
        `${what}: corrupt JPEG: ${jpeg.width}x${jpeg.height} needs at least ${scan.minBits} bits for the ` +
          `${scan.codedBlocks} blocks of scan ${i + 1}, which has ${scan.availableBits} bits of data`,
      );
    }
  });
  const blocks = jpeg.components.reduce((sum, c) => sum + c.blocksPerLine * c.blocksPerColumn, 0);
  const visits = jpeg.scans.reduce((sum, scan) => sum + scan.codedBlocks, 0);
  if (visits > MAX_SCAN_PASSES * blocks) {
    throw new FormatError(
      `${what}: corrupt JPEG: ${jpeg.scans.length} scans code ${visits} blocks, more than ` +
        `${MAX_SCAN_PASSES} passes over the image's ${blocks}`,
    );
  }
  const channels = jpeg.components.length === 1 ? 1 : 3;
  checkDecodeBytes(
    what,
    'JPEG',
    {
      width: jpeg.width,
      height: jpeg.height,
      inputBytes: bytes.length,
      decodeBytes: jpegDecodeBytes(jpeg, bytes.length, channels),
    },
    limits,
  );
  return channels;
}

/** Decodes baseline/progressive JPEG bytes to [1, C, H, W] float32 in [0, 1] (C = 1 for greyscale, else 3). */
export function decodeJpeg(bytes: Uint8Array, what: string, limits: DecodeLimits): HostTensor {
  const jpeg = readJpegStructure(bytes, what);
  const channels = checkJpegCost(jpeg, bytes, what, limits);
  const image = decodeJpegLib(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    tolerantDecoding: false,
    maxResolutionInMP: limits.maxPixels / 1e6,
    // jpeg-js counts only the data of its arrays, so this never trips before the estimate above: a backstop.
    maxMemoryUsageInMB: limits.maxBytes / 2 ** 20,
  });
  const { width, height, data } = image;
  const pixels = width * height;
  if (width !== jpeg.width || height !== jpeg.height || data.length !== pixels * 3) {
    throw new FormatError(`${what}: corrupt JPEG: decoded ${data.length} bytes for ${width}x${height}`);
  }
  const out = new Float32Array(channels * pixels);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < channels; c++) out[c * pixels + p] = data[p * 3 + c]! / 255;
  }
  return { data: out, shape: [1, channels, height, width], dtype: 'float32' };
}
