import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, NNError } from '@nn/tensor';
import fc from 'fast-check';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImageHost, imageToTensor } from './image';

const W = 5;
const H = 3;
const ramp = (n: number, max: number) => Array.from({ length: n }, (_, i) => Math.round((i * max) / (n - 1)));

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('PNG decoding', () => {
  it('greyscale 8-bit -> [1,1,H,W] in [0,1]', () => {
    const values = ramp(W * H, 255);
    const png = encodePng({ width: W, height: H, data: new Uint8Array(values), channels: 1, depth: 8 });
    const img = decodeImageHost(png);
    expect(img.shape).toEqual([1, 1, H, W]);
    expect(img.dtype).toBe('float32');
    expect(img.data[0]).toBe(0);
    expect(img.data[W * H - 1]).toBe(1);
    expect(img.data[7]).toBeCloseTo(values[7]! / 255, 6);
  });

  it('greyscale 16-bit keeps the full precision', () => {
    const values = ramp(W * H, 65535);
    const png = encodePng({ width: W, height: H, data: new Uint16Array(values), channels: 1, depth: 16 });
    const img = decodeImageHost(png);
    expect(img.data[3]).toBeCloseTo(values[3]! / 65535, 6);
  });

  it('RGB and RGBA are planar (NCHW)', () => {
    const rgb = new Uint8Array(W * H * 3);
    for (let p = 0; p < W * H; p++) rgb.set([10, 20, 30], p * 3);
    const img = decodeImageHost(encodePng({ width: W, height: H, data: rgb, channels: 3, depth: 8 }));
    expect(img.shape).toEqual([1, 3, H, W]);
    expect(img.data[0]).toBeCloseTo(10 / 255);
    expect(img.data[W * H]).toBeCloseTo(20 / 255);
    expect(img.data[2 * W * H + 4]).toBeCloseTo(30 / 255);
    const rgba = new Uint16Array(W * H * 4).fill(65535);
    rgba[3] = 0;
    const img4 = decodeImageHost(encodePng({ width: W, height: H, data: rgba, channels: 4, depth: 16 }));
    expect(img4.shape).toEqual([1, 4, H, W]);
    expect(img4.data[3 * W * H]).toBe(0);
    expect(img4.data[3 * W * H + 1]).toBe(1);
  });

  it('1-bit greyscale rows are unpacked, Adam7-interlaced files decode', () => {
    const bits = new Uint8Array([0b10101010, 0b11000000, 0b11111111, 0b11000000]); // 10 x 2, rows padded to bytes
    const img = decodeImageHost(encodePng({ width: 10, height: 2, data: bits, channels: 1, depth: 1 }));
    expect(img.shape).toEqual([1, 1, 2, 10]);
    expect(Array.from(img.data)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const interlaced = encodePng(
      { width: 3, height: 3, data: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]), channels: 1, depth: 8 },
      { interlace: 'Adam7' },
    );
    expect(Array.from(decodeImageHost(interlaced).data, (v) => Math.round(v * 255))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8,
    ]);
  });

  it('palette images expand to RGB', () => {
    const indices = new Uint8Array(W * H).map((_, i) => i % 2);
    const png = encodePng({
      width: W,
      height: H,
      data: indices,
      channels: 1,
      depth: 8,
      palette: [
        [255, 0, 0],
        [0, 0, 255],
      ],
    });
    const img = decodeImageHost(png);
    expect(img.shape).toEqual([1, 3, H, W]);
    expect([img.data[0], img.data[W * H], img.data[2 * W * H]]).toEqual([1, 0, 0]);
    expect([img.data[1], img.data[W * H + 1], img.data[2 * W * H + 1]]).toEqual([0, 0, 1]);
  });
});

describe('JPEG decoding', () => {
  it('decodes an RGB JPEG close to the original', () => {
    const rgba = new Uint8Array(16 * 16 * 4);
    for (let p = 0; p < 256; p++) rgba.set([200, 100, 50, 255], p * 4);
    const jpeg = encodeJpeg({ width: 16, height: 16, data: rgba }, 95).data;
    const img = decodeImageHost(new Uint8Array(jpeg));
    expect(img.shape).toEqual([1, 3, 16, 16]);
    expect(img.data[0]).toBeCloseTo(200 / 255, 1);
    expect(img.data[256]).toBeCloseTo(100 / 255, 1);
    expect(img.data[512 + 17]).toBeCloseTo(50 / 255, 1);
  });
});

describe('image bad input', () => {
  const png = encodePng({ width: 8, height: 8, data: new Uint8Array(64).fill(9), channels: 1, depth: 8 });
  const jpeg = new Uint8Array(encodeJpeg({ width: 8, height: 8, data: new Uint8Array(256).fill(128) }, 80).data);

  it('rejects unknown formats, truncation and corruption with FormatError naming the source', () => {
    const notImage = catchError(() => decodeImageHost(new TextEncoder().encode('GIF89a'), { name: 'a.gif' }));
    expect(notImage).toBeInstanceOf(FormatError);
    expect((notImage as Error).message).toMatch(/imageToTensor\(a\.gif\): not a PNG or JPEG/);
    for (const cut of [10, 30, png.length - 13, png.length - 1]) {
      const error = catchError(() => decodeImageHost(png.subarray(0, cut), { name: 'cut.png' }));
      expect(error, `cut at ${cut}`).toBeInstanceOf(FormatError);
      expect((error as Error).message).toMatch(/cut\.png.*(truncated|corrupt)/);
    }
    const flipped = png.slice();
    flipped[45] = (flipped[45]! + 1) % 256; // inside IDAT: the CRC no longer matches
    expect(catchError(() => decodeImageHost(flipped))).toBeInstanceOf(FormatError);
    expect(catchError(() => decodeImageHost(jpeg.subarray(0, jpeg.length / 2)))).toBeInstanceOf(FormatError);
  });

  it('rejects absurd dimensions before allocating', () => {
    const huge = png.slice();
    huge.set([0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff], 16); // width and height ~2^31
    const before = process.memoryUsage().arrayBuffers;
    const error = catchError(() => decodeImageHost(huge, { name: 'huge.png' }));
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/huge\.png.*exceeds maxPixels/);
    // Nothing near the claimed 2^62 pixels was allocated (buffers freed by a GC meanwhile would read as less).
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
  });

  it('fuzz: random bytes behind a PNG/JPEG signature only decode or throw FormatError', () => {
    const prefix = fc.constantFrom(png.subarray(0, 8), jpeg.subarray(0, 3), new Uint8Array(0));
    fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 200 }), (head, tail) => {
        const bytes = new Uint8Array(head.length + tail.length);
        bytes.set(head);
        bytes.set(tail, head.length);
        const error = catchError(() => decodeImageHost(bytes));
        if (error !== undefined && !(error instanceof FormatError)) throw error;
      }),
      { numRuns: 200, seed: 4 },
    );
  });

  it('fuzz: mutated valid PNG/JPEG files only decode or throw FormatError', () => {
    const valid = [png, jpeg];
    const mutation = fc.record({
      file: fc.nat(1),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      cut: fc.nat(),
    });
    fc.assert(
      fc.property(mutation, ({ file, edits, cut }) => {
        const bytes = valid[file]!.slice();
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        const error = catchError(() => decodeImageHost(bytes.subarray(0, bytes.length - (cut % 8))));
        if (error !== undefined && !(error instanceof FormatError)) throw error;
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});

describe('imageToTensor', () => {
  it('reads a path in Node and returns a Tensor', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nn-data-'));
    const path = join(dir, 'grey.png');
    await writeFile(path, encodePng({ width: W, height: H, data: new Uint8Array(W * H).fill(255), channels: 1 }));
    const t = await imageToTensor(path);
    expect(t.shape).toEqual([1, 1, H, W]);
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.dataSync()).every((v) => v === 1)).toBe(true);
    await expect(imageToTensor(join(dir, 'missing.png'))).rejects.toThrow(NNError);
  });
});
