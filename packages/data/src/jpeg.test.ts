import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { countAllocations } from '../test/alloc-spy';
import { concat } from '../test/concat';
import { encodedJpeg, JPEG_SEEDS, segments, withSize } from '../test/jpeg-bytes';
import { decodeImageHost, imageToTensor } from './image';
import { readJpegStructure } from './jpeg-structure';
import { MIN_DECODE_BYTES } from './limits';

function decodeCounted(bytes: Uint8Array, options = {}) {
  return countAllocations(() => decodeImageHost(bytes, { name: 'x.jpg', ...options }));
}

describe('JPEG seeds', () => {
  it.each(JPEG_SEEDS)('$name decodes to its frame size with values in [0, 1]', ({ name, bytes }) => {
    const jpeg = readJpegStructure(bytes, name);
    const img = decodeImageHost(bytes);
    const channels = jpeg.components.length === 1 ? 1 : 3;
    expect(img.shape).toEqual([1, channels, jpeg.height, jpeg.width]);
    expect(Array.from(img.data).every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(jpeg.scans.every((scan) => scan.availableBits >= scan.minBits)).toBe(true);
  });
});

describe('JPEG decompression bombs', () => {
  it('refuses a 16x16 JPEG whose header claims 7000x7000 before allocating the image', () => {
    const bomb = withSize(encodedJpeg(16, 16), 7000, 7000);
    const { error, bytes } = decodeCounted(bomb);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/x\.jpg\): corrupt JPEG: 7000x7000 needs at least \d+ bits/);
    expect(bytes).toBeLessThan(64 * bomb.length); // was 1.5 GB
  });

  it('refuses every seed stretched to a larger size than its data can code', () => {
    for (const { name, bytes } of JPEG_SEEDS) {
      const { width, height } = readJpegStructure(bytes, name);
      for (const [w, h] of [
        [4000, 3000],
        [65535, 65535],
      ]) {
        const { error, bytes: allocated } = decodeCounted(withSize(bytes, w!, h!));
        expect(error, `${name} as ${w}x${h}`).toBeInstanceOf(FormatError);
        expect(allocated).toBeLessThan(64 * bytes.length);
      }
      // A claim the data could just cover reaches the decoder (which may decode it: a scan with restart markers
      // can end early), and the decoder then stays within the default budget.
      const { error, bytes: allocated } = decodeCounted(withSize(bytes, width * 4, height * 4));
      if (error !== undefined) expect(error, `${name} as ${width * 4}x${height * 4}`).toBeInstanceOf(FormatError);
      expect(allocated).toBeLessThan(MIN_DECODE_BYTES);
    }
  });

  it('refuses a valid but flat image whose decoding needs far more memory than its bytes allow', () => {
    const flat = encodedJpeg(1000, 1000, 128, 50); // one grey: every block codes to a few bits
    const { error, bytes } = decodeCounted(flat);
    expect(flat.length).toBeLessThan(MIN_DECODE_BYTES / 64);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/1000x1000 from \d+ bytes would need about [\d.]+ MB.*maxDecodeBytes/);
    expect(bytes).toBeLessThan(64 * flat.length);
    // A caller who trusts the file can raise the limit, and the decoder stays within what was estimated.
    const trusted = decodeCounted(flat, { maxDecodeBytes: 200 * 2 ** 20 });
    expect(trusted.error).toBeUndefined();
    expect(trusted.result?.shape).toEqual([1, 3, 1000, 1000]);
    expect(trusted.bytes).toBeLessThan(200 * 2 ** 20);
  });

  it('refuses a scan repeated until the scans pass over the image many times', () => {
    const seed = JPEG_SEEDS.find((s) => s.name === 'progressive-grey')!.bytes;
    const scans = segments(seed).filter((s) => s.marker === 0xda);
    const last = scans[scans.length - 1]!;
    const scan = seed.subarray(last.at, seed.length - 2); // SOS header and its data, up to EOI
    const repeated = concat(seed.subarray(0, seed.length - 2), ...Array(40).fill(scan), seed.subarray(seed.length - 2));
    const error = decodeCounted(repeated).error;
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/scans code \d+ blocks, more than 16 passes/);
  });

  it('refuses what the decoder would only reject after decoding: 2 components, 12-bit, lossless, CMYK without Adobe', () => {
    const seed = encodedJpeg(8, 8);
    const sof = segments(seed).find((s) => s.marker === 0xc0)!;
    const twelveBit = seed.slice();
    twelveBit[sof.at + 4] = 12;
    const lossless = seed.slice();
    lossless[sof.at + 1] = 0xc3;
    for (const [bytes, message] of [
      [twelveBit, /12-bit samples/],
      [lossless, /unsupported JPEG: lossless/],
    ] as const) {
      const { error, bytes: allocated } = decodeCounted(bytes);
      expect(error).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(message);
      expect(allocated).toBeLessThan(64 * bytes.length);
    }
  });
});

describe('JPEG from a Node Buffer', () => {
  it('decodes a Buffer from readFileSync and a pooled Buffer with a non-zero byteOffset', async () => {
    const jpeg = encodedJpeg(16, 8, 200);
    const expected = decodeImageHost(jpeg);
    const path = join(mkdtempSync(join(tmpdir(), 'nn-jpeg-')), 'a.jpg');
    writeFileSync(path, jpeg);
    const fromFile = readFileSync(path);
    const pooled = Buffer.from(jpeg); // small Buffers are carved out of Node's shared 8 kB pool
    expect(pooled.byteOffset > 0 || pooled.buffer.byteLength > pooled.length).toBe(true);
    for (const input of [fromFile, pooled]) {
      const img = decodeImageHost(input);
      expect(img.shape).toEqual([1, 3, 8, 16]);
      expect(Array.from(img.data)).toEqual(Array.from(expected.data));
    }
    const t = await imageToTensor(pooled);
    expect(Array.from(t.dataSync())).toEqual(Array.from(expected.data));
  });
});
