import { ShapeError } from '@nn/tensor';
import { encode as encodePng } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { preprocessDigit, preprocessDigitHost } from './digit';
import type { HostTensor } from './host';
import { decodeImageHost } from './image';
import { loadMnistHost, type MnistHost } from './mnist';
import { resizeChannel } from './resize';

const UPSCALE = 8;
const MARGIN = 40;

/**
 * Renders an MNIST digit large (smooth bilinear upscaling), dark ink on off-white paper with a margin, as a PNG
 * (RGB or grey).
 */
function renderOnPaper(digit: Float32Array, channels: 1 | 3, paper = 245, inkLevel = 20): Uint8Array {
  const big = 28 * UPSCALE;
  const side = big + 2 * MARGIN;
  const smooth = resizeChannel(digit, 28, 28, big, big);
  const page = new Uint8Array(side * side * channels).fill(paper);
  for (let y = 0; y < big; y++) {
    for (let x = 0; x < big; x++) {
      const ink = smooth[y * big + x]!;
      const at = ((y + MARGIN) * side + x + MARGIN) * channels;
      page.fill(Math.round(paper + (inkLevel - paper) * ink), at, at + channels);
    }
  }
  return encodePng({ width: side, height: side, data: page, channels, depth: 8 });
}

function compare(a: Float32Array, b: ArrayLike<number>) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let abs = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
    abs += Math.abs(a[i]! - b[i]!);
  }
  return { cosine: dot / Math.sqrt(na * nb), mae: abs / a.length };
}

describe('preprocessDigit', () => {
  let mnist: MnistHost;
  beforeAll(async () => {
    mnist = await loadMnistHost('test');
  });
  const digitAt = (i: number) => mnist.images.data.subarray(i * 784, (i + 1) * 784) as Float32Array;

  it('an MNIST test digit rendered large on white paper comes back close to the original', () => {
    for (const [i, channels] of [
      [0, 3],
      [1, 1],
      [2, 3],
      [3, 1],
      [4, 3],
    ] as const) {
      const original = digitAt(i);
      const decoded = decodeImageHost(renderOnPaper(original, channels));
      const processed = preprocessDigitHost(decoded);
      expect(processed.shape).toEqual([1, 1, 28, 28]);
      const { cosine, mae } = compare(original, processed.data);
      expect(cosine, `digit ${i}`).toBeGreaterThan(0.9);
      expect(mae, `digit ${i}`).toBeLessThan(0.05);
    }
  });

  it('is (nearly) the identity on MNIST digits themselves', () => {
    let worst = 1;
    for (let i = 0; i < 50; i++) {
      const original = digitAt(i);
      const processed = preprocessDigitHost({ data: original, shape: [28, 28], dtype: 'float32' });
      worst = Math.min(worst, compare(original, processed.data).cosine);
    }
    expect(worst).toBeGreaterThan(0.9);
  });

  it('centres by centre of mass and fits the larger side to 20 px', () => {
    const img = new Float32Array(100 * 60).fill(1); // white page, black bar 10 wide x 80 tall off-centre
    for (let y = 5; y < 85; y++) for (let x = 2; x < 12; x++) img[y * 60 + x] = 0;
    const out = preprocessDigitHost({ data: img, shape: [1, 1, 100, 60], dtype: 'float32' }).data;
    let mass = 0;
    let cx = 0;
    let cy = 0;
    let rows = 0;
    for (let y = 0; y < 28; y++) {
      let rowInk = 0;
      for (let x = 0; x < 28; x++) {
        const v = out[y * 28 + x]!;
        mass += v;
        cx += v * x;
        cy += v * y;
        rowInk += v;
      }
      if (rowInk > 0) rows++;
    }
    expect(rows).toBe(20);
    expect(Math.abs(cx / mass - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy / mass - 14)).toBeLessThanOrEqual(0.5);
    expect(mass).toBeCloseTo(20 * 3, 3); // 80x10 scaled by 1/4 -> 20x2.5, rounded to 20x3 px of ink
  });

  it('handles white-on-black, 0..255 values, RGBA with a transparent background and batches', () => {
    const digit = digitAt(0);
    const bytes: HostTensor = { data: Float32Array.from(digit, (v) => v * 255), shape: [28, 28], dtype: 'float32' };
    expect(compare(digit, preprocessDigitHost(bytes).data).cosine).toBeGreaterThan(0.9);
    const rgba = new Float32Array(4 * 784); // black strokes, alpha = ink, transparent elsewhere
    rgba.set(digit, 3 * 784);
    expect(
      compare(digit, preprocessDigitHost({ data: rgba, shape: [4, 28, 28], dtype: 'float32' }).data).cosine,
    ).toBeGreaterThan(0.9);
    const batch = new Float32Array(2 * 784);
    batch.set(digit);
    batch.set(digitAt(1), 784);
    const out = preprocessDigitHost({ data: batch, shape: [2, 1, 28, 28], dtype: 'float32' });
    expect(out.shape).toEqual([2, 1, 28, 28]);
    expect(compare(digitAt(1), out.data.subarray(784)).cosine).toBeGreaterThan(0.9);
  });

  it('blank or flat input gives zeros, bad shapes throw ShapeError', () => {
    for (const value of [0, 1, 0.5]) {
      const out = preprocessDigitHost({
        data: new Float32Array(50 * 40).fill(value),
        shape: [50, 40],
        dtype: 'float32',
      });
      expect(out.data.every((v) => v === 0)).toBe(true);
    }
    const tiny = preprocessDigitHost({ data: Float32Array.from([0, 1, 0, 0]), shape: [2, 2], dtype: 'float32' });
    expect(tiny.data.some((v) => v > 0)).toBe(true);
    expect(() => preprocessDigitHost({ data: new Float32Array(5), shape: [5], dtype: 'float32' })).toThrow(ShapeError);
    expect(() => preprocessDigitHost({ data: new Float32Array(5 * 4), shape: [5, 2, 2], dtype: 'float32' })).toThrow(
      ShapeError,
    );
  });
});

describe('preprocessDigit (Tensor boundary)', () => {
  it('returns a [1,1,28,28] float32 Tensor', async () => {
    const { tensor } = await import('@nn/tensor');
    const out = preprocessDigit(tensor(new Float32Array(16).fill(1), [1, 1, 4, 4]));
    expect(out.shape).toEqual([1, 1, 28, 28]);
    expect(out.dtype).toBe('float32');
  });
});
