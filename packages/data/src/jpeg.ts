import { FormatError } from '@nn/tensor';
import { decode as decodeJpegLib } from 'jpeg-js';
import type { HostTensor } from './host';

/** True when the bytes start with a JPEG SOI marker. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** Finds the frame header (SOFn) and returns its component count, so greyscale JPEGs give 1 channel. */
function frameComponents(bytes: Uint8Array): number {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return 3;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return bytes[at + 9]!;
    at += 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
  }
  return 3;
}

/** Decodes baseline/progressive JPEG bytes to [1, C, H, W] float32 in [0, 1] (C = 1 for greyscale, else 3). */
export function decodeJpeg(bytes: Uint8Array, what: string, maxPixels: number): HostTensor {
  const image = decodeJpegLib(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    tolerantDecoding: false,
    maxResolutionInMP: maxPixels / 1e6,
    maxMemoryUsageInMB: 2048,
  });
  const { width, height, data } = image;
  const pixels = width * height;
  if (pixels === 0 || data.length !== pixels * 3) {
    throw new FormatError(`${what}: corrupt JPEG: decoded ${data.length} bytes for ${width}x${height}`);
  }
  const channels = frameComponents(bytes) === 1 ? 1 : 3;
  const out = new Float32Array(channels * pixels);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < channels; c++) out[c * pixels + p] = data[p * 3 + c]! / 255;
  }
  return { data: out, shape: [1, channels, height, width], dtype: 'float32' };
}
