import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '@nn/tensor';
import { encode as encodePng } from 'fast-png';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { countAllocations } from '../test/alloc-spy';
import { concat } from '../test/concat';
import { chunk, ihdr, pngFile, zeroIdat } from '../test/png-bytes';
import { decodeImageHost, imageToTensor } from './image';

const MB = 2 ** 20;

function decodeCounted(bytes: Uint8Array, options = {}) {
  return countAllocations(() => decodeImageHost(bytes, { name: 'x.png', ...options }));
}

describe('PNG decompression bombs', () => {
  it('refuses an IHDR claiming 7000x7000 RGBA16 over the data of a tiny image, before inflating', () => {
    const lying = pngFile(ihdr(7000, 7000, 16, 6), zeroIdat(16 * 17));
    const { error, bytes } = decodeCounted(lying);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/x\.png\): corrupt PNG: 7000x7000 needs \d+ bytes of image data/);
    expect(bytes).toBeLessThan(64 * lying.length); // was a 392 MB allocation
  });

  it('refuses a valid flat image whose decoding needs far more memory than its bytes allow', () => {
    const flat = pngFile(ihdr(1500, 1500, 8, 2), zeroIdat(1500 * 4501)); // 6.75 MB of zeros in 7 kB
    const { error, bytes } = decodeCounted(flat);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/PNG of 1500x1500 from \d+ bytes would need about [\d.]+ MB/);
    expect(bytes).toBeLessThan(64 * flat.length); // 7000x7000 grey took 240 MB and 3 s
    const trusted = decodeCounted(flat, { maxDecodeBytes: 200 * MB });
    expect(trusted.error).toBeUndefined();
    expect(trusted.result?.shape).toEqual([1, 3, 1500, 1500]);
  });

  it('stops inflating image data that runs past the size the header needs', () => {
    const excess = pngFile(ihdr(1, 1, 8, 0), zeroIdat(16 * MB)); // 1x1 needs 2 bytes
    const { error, bytes } = decodeCounted(excess);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/inflates to more than the 2 bytes it needs/);
    expect(bytes).toBeLessThan(64 * excess.length); // was 2 x 16 MB held by the decoder
  });

  it('never inflates an embedded ICC profile (iCCP), which nothing here uses', () => {
    const idat = chunk('IDAT', zlibSync(new Uint8Array([0, 7, 9])));
    const iccp = (profile: Uint8Array) => chunk('iCCP', concat(new TextEncoder().encode('icc\0\0'), profile));
    // A profile inflating to 16 MB (1 GB from a 0.5 MB file), and one that is not even a zlib stream: both are
    // skipped, which the second shows (the decoder used to inflate it and fail).
    for (const profile of [zlibSync(new Uint8Array(16 * MB), { level: 9 }), new Uint8Array([1, 2, 3, 4])]) {
      const { result, error } = decodeCounted(pngFile(ihdr(2, 1, 8, 0), iccp(profile), idat));
      expect(error).toBeUndefined();
      expect(Array.from(result!.data, (v) => Math.round(v * 255))).toEqual([7, 9]);
    }
  });

  it('refuses a second IHDR, whose size the decoder would use instead of the checked one', () => {
    const file = pngFile(ihdr(1, 1, 8, 0), zeroIdat(2), ihdr(7000, 7000, 16, 6));
    const { error, bytes } = decodeCounted(file);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/a second IHDR chunk/);
    expect(bytes).toBeLessThan(64 * file.length); // was a 392 MB allocation
  });

  it('refuses colour types and bit depths PNG does not define', () => {
    for (const [depth, type] of [
      [8, 1],
      [3, 0],
      [16, 3],
      [1, 2],
    ] as const) {
      const error = decodeCounted(pngFile(ihdr(4, 4, depth, type), zeroIdat(4 * 5))).error;
      expect(error, `depth ${depth} type ${type}`).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(/colour type \d with bit depth \d+/);
    }
  });
});

describe('PNG from a Node Buffer', () => {
  it('decodes a Buffer from readFileSync and a pooled Buffer with a non-zero byteOffset, with extra chunks', async () => {
    const base = encodePng({ width: 3, height: 2, data: Uint8Array.from([0, 50, 100, 150, 200, 250]), channels: 1 });
    // A tEXt chunk makes the decoder work on a copy holding only the chunks it needs, built from the Buffer.
    const png = concat(base.subarray(0, 33), chunk('tEXt', new TextEncoder().encode('a\0b')), base.subarray(33));
    const path = join(mkdtempSync(join(tmpdir(), 'nn-png-')), 'a.png');
    writeFileSync(path, png);
    const pooled = Buffer.from(png);
    expect(pooled.byteOffset > 0 || pooled.buffer.byteLength > pooled.length).toBe(true);
    for (const input of [readFileSync(path), pooled, Buffer.from(base)]) {
      const img = decodeImageHost(input);
      expect(img.shape).toEqual([1, 1, 2, 3]);
      expect(Array.from(img.data, (v) => Math.round(v * 255))).toEqual([0, 50, 100, 150, 200, 250]);
    }
    expect((await imageToTensor(pooled)).shape).toEqual([1, 1, 2, 3]);
  });
});
