// Small helpers to find and patch JPEG marker segments in tests.
import { readFileSync } from 'node:fs';
import { encode as encodeJpeg } from 'jpeg-js';

/** The committed seed JPEGs (see fixtures/make-jpeg-seeds.mjs). */
export const JPEG_SEEDS = [
  'baseline-420',
  'baseline-444-restart',
  'progressive-420',
  'progressive-grey',
  'baseline-grey',
].map((name) => ({
  name,
  bytes: new Uint8Array(readFileSync(new URL(`./fixtures/jpeg-${name}.jpg`, import.meta.url))),
}));

/** A width x height RGB JPEG from jpeg-js's encoder (baseline, 4:4:4), filled with a pattern or one value. */
export function encodedJpeg(width: number, height: number, fill?: number, quality = 90): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = fill ?? (i * 37) & 255;
  return new Uint8Array(encodeJpeg({ width, height, data: rgba }, quality).data);
}

/** Offsets of every marker segment before the first scan's data, and of every SOS: [offset of 0xFF, marker]. */
export function segments(bytes: Uint8Array): { at: number; marker: number; length: number }[] {
  const found: { at: number; marker: number; length: number }[] = [];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    if (marker === 0xd9) break;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    found.push({ at, marker, length });
    at += 2 + length;
    if (marker === 0xda) {
      // Skip the entropy-coded data to the next marker that is not stuffing or RSTn.
      while (
        at + 1 < bytes.length &&
        !(bytes[at] === 0xff && bytes[at + 1] !== 0 && (bytes[at + 1]! & 0xf8) !== 0xd0)
      ) {
        at++;
      }
    }
  }
  return found;
}

/** A copy with the frame header's height and width replaced. */
export function withSize(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const out = bytes.slice();
  const sof = segments(out).find((s) => s.marker >= 0xc0 && s.marker <= 0xc2);
  if (sof === undefined) throw new Error('no SOF segment');
  out.set([height >> 8, height & 255, width >> 8, width & 255], sof.at + 5);
  return out;
}
