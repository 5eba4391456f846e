import { FormatError } from '@nn/tensor';
import { decode as decodePngLib } from 'fast-png';
import type { HostTensor } from './host';
import { checkDecodeBytes, checkPixels, type DecodeLimits } from './limits';
import {
  checkInflatesWithin,
  inflatedSize,
  type PngStructure,
  readPngStructure,
  withUsedChunksOnly,
} from './png-structure';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

// Deflate codes at most 258 bytes per 2 bits (a 1-bit length code and a 1-bit distance code): 1032:1.
const MAX_DEFLATE_RATIO = 1032;

/** The decoder's peak working memory (fast-png holds the inflated chunks, their concatenation and the rows). */
function pngDecodeBytes(png: PngStructure, inputBytes: number, outChannels: number): number {
  const pixels = png.width * png.height;
  const inflated = inflatedSize(png);
  const copy = png.extraChunks > 0 ? inputBytes : 0;
  const rows = png.interlaced ? 2 * inflated : inflated;
  const unpacked = png.depth < 8 ? pixels * png.channels : 0;
  return copy + 2 * inflated + rows + unpacked + pixels * outChannels * 4 + 2 ** 16;
}

/**
 * Refuses, before inflating anything, a PNG whose compressed data is too small to hold the image its header
 * claims, or whose decoding would cost more than the limits allow; then checks that the data does not inflate
 * to more than the image needs. Returns the bytes to hand to the decoder (only the chunks it needs).
 */
function checkPngCost(bytes: Uint8Array, what: string, limits: DecodeLimits): Uint8Array {
  const png = readPngStructure(bytes, what);
  checkPixels(what, 'PNG', png.width, png.height, limits);
  const inflated = inflatedSize(png);
  const size = `${png.width}x${png.height}`;
  if (inflated > png.idatBytes * MAX_DEFLATE_RATIO + MAX_DEFLATE_RATIO) {
    throw new FormatError(
      `${what}: corrupt PNG: ${size} needs ${inflated} bytes of image data, more than its ${png.idatBytes} ` +
        'compressed bytes can hold',
    );
  }
  const outChannels = png.palette ? 4 : png.channels + (png.transparency && png.channels % 2 === 1 ? 1 : 0);
  const decodeBytes = pngDecodeBytes(png, bytes.length, outChannels);
  checkDecodeBytes(
    what,
    'PNG',
    { width: png.width, height: png.height, inputBytes: bytes.length, decodeBytes },
    limits,
  );
  const used = png.extraChunks > 0 ? withUsedChunksOnly(bytes) : bytes;
  checkInflatesWithin(used, inflated, what);
  return used;
}

/** Unpacks the decoder's rows (1/2/4-bit samples are packed per row) into one integer sample per entry. */
function unpackSamples(data: ArrayLike<number>, width: number, height: number, channels: number, depth: number) {
  const count = width * height * channels;
  if (depth >= 8) {
    if (data.length < count) throw new FormatError(`PNG data too short: ${data.length} samples for ${count}`);
    return data;
  }
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  if (data.length < rowBytes * height) throw new FormatError(`PNG data too short: ${data.length} bytes`);
  const out = new Uint8Array(count);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width * channels; i++) {
      const byte = data[y * rowBytes + Math.floor(i / perByte)]!;
      const shift = 8 - depth * ((i % perByte) + 1);
      out[y * width * channels + i] = (byte >> shift) & mask;
    }
  }
  return out;
}

/** Decodes PNG bytes (grey/grey+alpha/RGB/RGBA/palette, 1-16 bit) to [1, C, H, W] float32 in [0, 1]. */
export function decodePng(bytes: Uint8Array, what: string, limits: DecodeLimits): HostTensor {
  const png = decodePngLib(checkPngCost(bytes, what, limits), { checkCrc: true });
  const { width, height, depth } = png;
  const samples = unpackSamples(png.data, width, height, png.channels, depth);
  const pixels = width * height;
  if (png.palette !== undefined && png.channels === 1) {
    const palette = png.palette;
    const channels = palette.some((entry) => entry.length === 4) ? 4 : 3;
    const out = new Float32Array(channels * pixels);
    for (let p = 0; p < pixels; p++) {
      const entry = palette[samples[p]!];
      if (entry === undefined) throw new FormatError(`${what}: corrupt PNG: palette index ${samples[p]} out of range`);
      for (let c = 0; c < channels; c++) out[c * pixels + p] = (entry[c] ?? 255) / 255;
    }
    return { data: out, shape: [1, channels, height, width], dtype: 'float32' };
  }
  const inChannels = png.channels;
  const key = png.transparency; // tRNS colour key for grey/RGB: matching pixels are fully transparent
  const channels = key !== undefined && (inChannels === 1 || inChannels === 3) ? inChannels + 1 : inChannels;
  const scale = 1 / ((1 << depth) - 1);
  const out = new Float32Array(channels * pixels);
  for (let p = 0; p < pixels; p++) {
    let transparent = key !== undefined;
    for (let c = 0; c < inChannels; c++) {
      const v = samples[p * inChannels + c]!;
      out[c * pixels + p] = v * scale;
      if (key !== undefined && key[c] !== v) transparent = false;
    }
    if (channels > inChannels) out[inChannels * pixels + p] = transparent ? 0 : 1;
  }
  return { data: out, shape: [1, channels, height, width], dtype: 'float32' };
}
