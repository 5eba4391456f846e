// Mutated PNGs: every one must decode or throw FormatError within its memory limit (see test/fuzz.ts).
// NN_FUZZ_RUNS=10000 runs the full campaign; the default suite runs 1,500 cases in a few seconds.
import { encode as encodePng } from 'fast-png';
import { zlibSync } from 'fflate';
import { describe, it } from 'vitest';
import { concat } from '../test/concat';
import { FUZZ_RUNS, fuzzDecode } from '../test/fuzz';
import { chunk, fixCrc, ihdr, pngChunks } from '../test/png-bytes';
import type { Rng } from './random';

const MB = 2 ** 20;

const pixels = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255);
const seeds = [
  encodePng({ width: 8, height: 8, data: pixels(64), channels: 1, depth: 8 }),
  encodePng({ width: 5, height: 3, data: new Uint16Array(45).fill(40000), channels: 3, depth: 16 }),
  encodePng({ width: 7, height: 5, data: pixels(140), channels: 4, depth: 8 }, { interlace: 'Adam7' }),
  encodePng({ width: 6, height: 2, data: pixels(24), channels: 2, depth: 8 }),
  encodePng({
    width: 9,
    height: 2,
    data: new Uint8Array([0b10100000, 0, 0b01100000, 0]),
    channels: 1,
    depth: 1,
    palette: [
      [255, 0, 0],
      [0, 0, 255],
    ],
  }),
];
// Image data that inflates far past what a small header needs (1032:1 at best).
const bombs = [64 * 1024, MB, 4 * MB].map((n) => chunk('IDAT', zlibSync(new Uint8Array(n), { level: 9 })));

function mutate(seed: Uint8Array, rng: Rng): { bytes: Uint8Array; kind: string } {
  const bytes = seed.slice();
  const chunks = pngChunks(bytes);
  const pick = <T>(items: readonly T[]): T => items[rng.int(items.length)]!;
  const header = chunks[0]!;
  const view = new DataView(bytes.buffer);
  switch (rng.int(8)) {
    case 0: {
      // Width and height, CRC fixed: huge, zero, a little larger than the data.
      const size = () => pick([0, 1, 9, 100, 1000, 7000, 65535, 2 ** 31 - 1, rng.int(2 ** 16)]);
      view.setUint32(header.at + 8, size());
      view.setUint32(header.at + 12, size());
      fixCrc(bytes, header.at);
      return { bytes, kind: 'dimensions' };
    }
    case 1: {
      // Bit depth, colour type, compression, filter or interlace method, CRC fixed.
      bytes[header.at + 16 + rng.int(5)] = pick([0, 1, 2, 3, 4, 6, 8, 16, rng.int(256)]);
      fixCrc(bytes, header.at);
      return { bytes, kind: 'header field' };
    }
    case 2:
      return { bytes: bytes.subarray(0, rng.int(bytes.length)), kind: 'truncation' };
    case 3: {
      // Bytes inside a chunk's data, CRC fixed half the time, so the damage reaches the inflater and unfilter.
      const target = pick(chunks);
      for (let i = 1 + rng.int(4); i > 0; i--)
        bytes[target.at + 8 + rng.int(Math.max(1, target.length))] = rng.int(256);
      if (rng.int(2) === 0) fixCrc(bytes, target.at);
      return { bytes, kind: 'chunk data' };
    }
    case 4: {
      // A chunk length or type.
      const target = pick(chunks);
      bytes[target.at + rng.int(8)] = rng.int(256);
      return { bytes, kind: 'chunk header' };
    }
    case 5: {
      // An inflation bomb in place of, or after, the image data.
      const idat = chunks.find((c) => c.type === 'IDAT')!;
      const end = idat.at + 12 + idat.length;
      const tail = rng.int(2) === 0 ? seed.subarray(end) : seed.subarray(idat.at);
      return { bytes: concat(seed.subarray(0, idat.at), pick(bombs), tail), kind: 'inflation bomb' };
    }
    case 6: {
      // A second header with another size, anywhere after the first.
      const after = pick(chunks);
      const second = ihdr(pick([1, 100, 7000]), pick([1, 100, 7000]), pick([8, 16]), pick([0, 2, 6]));
      const at = after.at + 12 + after.length;
      return { bytes: concat(seed.subarray(0, at), second, seed.subarray(at)), kind: 'second header' };
    }
    default: {
      // A chunk repeated (many IHDRs, PLTEs, IDATs, IENDs).
      const target = pick(chunks);
      const copies: Uint8Array[] = Array(1 + rng.int(20)).fill(
        seed.subarray(target.at, target.at + 12 + target.length),
      );
      return {
        bytes: concat(seed.subarray(0, target.at), ...copies, seed.subarray(target.at)),
        kind: 'repeated chunk',
      };
    }
  }
}

describe('PNG fuzz', () => {
  it(`${FUZZ_RUNS} mutated PNGs decode or throw FormatError, each within its memory limit`, () => {
    fuzzDecode('png fuzz', {
      runs: FUZZ_RUNS,
      seed: 20_241_123,
      mutate: (run, rng) => mutate(seeds[run % seeds.length]!, rng),
    });
  });
});
