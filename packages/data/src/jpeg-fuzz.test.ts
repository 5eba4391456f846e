// Mutated JPEGs: every one must decode or throw FormatError within its memory limit (see test/fuzz.ts).
// NN_FUZZ_RUNS=10000 runs the full campaign; the default suite runs 1,500 cases in a few seconds.
import { describe, it } from 'vitest';
import { concat } from '../test/concat';
import { FUZZ_RUNS, fuzzDecode } from '../test/fuzz';
import { encodedJpeg, JPEG_SEEDS, segments } from '../test/jpeg-bytes';
import type { Rng } from './random';

const seeds = [...JPEG_SEEDS.map((s) => s.bytes), encodedJpeg(16, 16), encodedJpeg(24, 8, 90, 40)];

/** One mutation of a seed: the kinds of damage a hostile or broken file carries. */
function mutate(seed: Uint8Array, rng: Rng): { bytes: Uint8Array; kind: string } {
  const bytes = seed.slice();
  const marks = segments(bytes);
  const pick = <T>(items: readonly T[]): T => items[rng.int(items.length)]!;
  const anyByte = () => rng.int(256);
  switch (rng.int(7)) {
    case 0: {
      // Frame size: huge, zero, a little larger or smaller than the data.
      const sof = marks.find((m) => m.marker >= 0xc0 && m.marker <= 0xc2)!;
      const size = () => pick([0, 1, 7, 255, 256, 1000, 4096, 7000, 30000, 65535, rng.int(65536)]);
      const [h, w] = [size(), size()];
      bytes.set([h >> 8, h & 255, w >> 8, w & 255], sof.at + 5);
      return { bytes, kind: 'dimensions' };
    }
    case 1:
      return { bytes: bytes.subarray(0, rng.int(bytes.length)), kind: 'truncation' };
    case 2: {
      // A marker code or a segment length.
      const mark = pick(marks);
      bytes[mark.at + 1 + rng.int(3)] = pick([0x00, 0xff, 0xc0, 0xc2, 0xc4, 0xd8, 0xd9, 0xda, 0xdb, 0xdd, anyByte()]);
      return { bytes, kind: 'marker' };
    }
    case 3: {
      // Inside a frame or scan header: component counts, sampling factors, table ids, spectral selection.
      const mark = pick(marks.filter((m) => m.marker === 0xda || (m.marker >= 0xc0 && m.marker <= 0xc2)));
      bytes[mark.at + 4 + rng.int(Math.max(1, mark.length - 2))] = anyByte();
      return { bytes, kind: 'header field' };
    }
    case 4: {
      // Tables: Huffman code counts and quantization values.
      const mark = pick(marks.filter((m) => m.marker === 0xc4 || m.marker === 0xdb));
      bytes[mark.at + 4 + rng.int(Math.max(1, mark.length - 2))] = anyByte();
      return { bytes, kind: 'table' };
    }
    case 5: {
      for (let i = 1 + rng.int(8); i > 0; i--) bytes[rng.int(bytes.length)] = anyByte();
      return { bytes, kind: 'random bytes' };
    }
    default: {
      // A segment repeated: many scans, many tables, or a second frame.
      const mark = pick(marks);
      const segment = seed.subarray(mark.at, Math.min(seed.length, mark.at + 2 + mark.length));
      const copies: Uint8Array[] = Array(1 + rng.int(30)).fill(segment);
      return { bytes: concat(seed.subarray(0, mark.at), ...copies, seed.subarray(mark.at)), kind: 'repeated segment' };
    }
  }
}

describe('JPEG fuzz', () => {
  it(`${FUZZ_RUNS} mutated JPEGs decode or throw FormatError, each within its memory limit`, () => {
    fuzzDecode('jpeg fuzz', {
      runs: FUZZ_RUNS,
      seed: 20_241_122,
      mutate: (run, rng) => mutate(seeds[run % seeds.length]!, rng),
    });
  });
});
