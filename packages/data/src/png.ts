import { FormatError } from '@nn/tensor';
import { decode as decodePngLib } from 'fast-png';
import type { HostTensor } from './host';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * Walks the chunk list before decoding so that truncated files, bad structure and absurd dimensions fail fast
 * with a clear message, before the decoder allocates anything.
 */
function checkPngStructure(bytes: Uint8Array, what: string, maxPixels: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let chunks = 0;
  let sawData = false;
  while (true) {
    if (at + 12 > bytes.length) throw new FormatError(`${what}: truncated PNG: no IEND chunk after ${chunks} chunks`);
    const length = view.getUint32(at, false);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (at + 12 + length > bytes.length) {
      throw new FormatError(
        `${what}: truncated PNG: chunk ${type} claims ${length} bytes, ${bytes.length - at - 12} left`,
      );
    }
    if (chunks === 0) {
      if (type !== 'IHDR' || length !== 13) throw new FormatError(`${what}: corrupt PNG: first chunk is not IHDR`);
      const width = view.getUint32(at + 8, false);
      const height = view.getUint32(at + 12, false);
      if (width === 0 || height === 0) throw new FormatError(`${what}: corrupt PNG: image is ${width}x${height}`);
      if (width * height > maxPixels) {
        throw new FormatError(`${what}: PNG of ${width}x${height} pixels exceeds maxPixels=${maxPixels}`);
      }
    }
    if (type === 'IDAT') sawData = true;
    chunks++;
    at += 12 + length;
    if (type === 'IEND') break;
  }
  if (!sawData) throw new FormatError(`${what}: corrupt PNG: no IDAT chunk`);
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
export function decodePng(bytes: Uint8Array, what: string, maxPixels: number): HostTensor {
  checkPngStructure(bytes, what, maxPixels);
  const png = decodePngLib(bytes, { checkCrc: true });
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
