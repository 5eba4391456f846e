import { describe, expect, it } from 'vitest';
import { resizeChannel } from './resize';

describe('resizeChannel', () => {
  it('area-averages exactly when shrinking by an integer factor', () => {
    const src = Float32Array.from([1, 3, 5, 7, 2, 4, 6, 8]); // 2 x 4
    expect(Array.from(resizeChannel(src, 2, 4, 1, 2))).toEqual([2.5, 6.5]);
  });

  it('inverts nearest-neighbour upscaling', () => {
    const src = Float32Array.from([0, 0.25, 0.5, 1]); // 2 x 2
    const big = new Float32Array(6 * 6);
    for (let y = 0; y < 6; y++)
      for (let x = 0; x < 6; x++) big[y * 6 + x] = src[Math.floor(y / 3) * 2 + Math.floor(x / 3)]!;
    const back = resizeChannel(big, 6, 6, 2, 2);
    for (const [i, v] of back.entries()) expect(v).toBeCloseTo(src[i]!, 6);
  });

  it('handles fractional factors and keeps the mean when shrinking', () => {
    const src = Float32Array.from({ length: 7 * 5 }, (_, i) => (i * 37) % 11);
    const out = resizeChannel(src, 7, 5, 3, 2);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out)).toBeCloseTo(mean(src), 4);
  });

  it('interpolates bilinearly when enlarging, constant stays constant', () => {
    const out = resizeChannel(Float32Array.from([0, 1]), 1, 2, 1, 4);
    expect(Array.from(out)).toEqual([0, 0.25, 0.75, 1]);
    expect(Array.from(resizeChannel(new Float32Array(4).fill(0.5), 2, 2, 5, 3)).every((v) => v === 0.5)).toBe(true);
  });
});
