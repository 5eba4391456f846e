import { FormatError } from '@nn/tensor';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeIdx, type IdxType, parseIdx, readIdx } from './idx';

function expectFormatError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(FormatError);
  expect((caught as Error).message).toMatch(pattern);
}

describe('parseIdx', () => {
  const cases: [IdxType, number[], string][] = [
    ['ubyte', [0, 1, 255, 128], 'int32'],
    ['byte', [-128, -1, 0, 127], 'int32'],
    ['short', [-32768, -2, 300, 32767], 'int32'],
    ['int', [-2147483648, -5, 70000, 2147483647], 'int32'],
    ['float', [1.5, -2.25, 0, 1048576], 'float32'],
    ['double', [Math.PI, -1e300, 0, 1e-300], 'float64'],
  ];
  for (const [type, values, dtype] of cases) {
    it(`reads ${type} big-endian data as ${dtype}`, () => {
      const host = parseIdx(encodeIdx(values, [2, 2], type));
      expect(host.dtype).toBe(dtype);
      expect(host.shape).toEqual([2, 2]);
      expect(Array.from(host.data)).toEqual(values);
    });
  }

  it('reads any rank, including rank 0 and empty dimensions', () => {
    expect(parseIdx(encodeIdx([7], [], 'ubyte')).shape).toEqual([]);
    expect(parseIdx(encodeIdx([], [3, 0, 2], 'int')).shape).toEqual([3, 0, 2]);
    const rank4 = parseIdx(
      encodeIdx(
        Array.from({ length: 24 }, (_, i) => i),
        [2, 3, 2, 2],
        'short',
      ),
    );
    expect(rank4.shape).toEqual([2, 3, 2, 2]);
    expect(rank4.data[23]).toBe(23);
  });

  it('accepts ArrayBuffer, views with offsets, and gzipped files', () => {
    const bytes = encodeIdx([1, 2, 3], [3], 'ubyte');
    expect(Array.from(parseIdx(bytes.slice().buffer).data)).toEqual([1, 2, 3]);
    const padded = new Uint8Array(bytes.length + 5);
    padded.set(bytes, 5);
    expect(Array.from(parseIdx(padded.subarray(5)).data)).toEqual([1, 2, 3]);
    expect(Array.from(parseIdx(gzipSync(encodeIdx([4, 5], [2], 'int'))).data)).toEqual([4, 5]);
  });
});

describe('parseIdx on bad input', () => {
  const good = encodeIdx([1, 2, 3, 4, 5, 6], [2, 3], 'ubyte');

  it('names the source and the problem', () => {
    expectFormatError(
      () => parseIdx(good.subarray(0, 14), { name: 'digits.idx' }),
      /readIdx\(digits\.idx\): truncated/,
    );
    expectFormatError(() => parseIdx(new Uint8Array([0, 0])), /truncated/);
    expectFormatError(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0])), /truncated header/);
    expectFormatError(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0])), /wrong magic number 0x01000801/);
    expectFormatError(() => parseIdx(new Uint8Array([0, 0, 7, 1, 0, 0, 0, 0])), /unknown IDX type byte 0x07/);
    const extra = new Uint8Array(good.length + 1);
    extra.set(good);
    expectFormatError(() => parseIdx(extra), /trailing bytes/);
    expectFormatError(() => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0])), /gzip/);
  });

  it('rejects absurd sizes without allocating them', () => {
    const header = new Uint8Array([0, 0, 0x0e, 3, 0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 9]);
    const before = process.memoryUsage().arrayBuffers;
    expectFormatError(() => parseIdx(header, { name: 'huge' }), /readIdx\(huge\): truncated: header says double/);
    const gzipBomb = gzipSync(new Uint8Array(100));
    gzipBomb.set([0xff, 0xff, 0xff, 0x7f], gzipBomb.length - 4);
    expectFormatError(() => parseIdx(gzipBomb), /trailer claims/);
    // Neither the header's 2^31 x 2^32 x 2^32 doubles nor the trailer's 2 GB were allocated.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
  });

  it('fuzz: random bytes only ever parse or throw FormatError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          parseIdx(bytes);
        } catch (error) {
          if (!(error instanceof FormatError)) throw error;
        }
      }),
      { numRuns: 200, seed: 1 },
    );
  });

  it('fuzz: mutated valid files only ever parse or throw FormatError', () => {
    const valid = [good, encodeIdx([1.5, 2.5], [1, 2], 'float'), gzipSync(encodeIdx([1, -2, 3], [3], 'short'))];
    const mutation = fc.record({
      file: fc.nat(valid.length - 1),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      cut: fc.nat(),
    });
    fc.assert(
      fc.property(mutation, ({ file, edits, cut }) => {
        const bytes = valid[file]!.slice();
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        try {
          parseIdx(bytes.subarray(0, bytes.length - (cut % 4)));
        } catch (error) {
          if (!(error instanceof FormatError)) throw error;
        }
      }),
      { numRuns: 200, seed: 2 },
    );
  });
});

describe('readIdx', () => {
  it('returns a Tensor with the dtype documented for the IDX type', () => {
    const t = readIdx(encodeIdx([0, 255, 7], [3], 'ubyte'));
    expect(t.shape).toEqual([3]);
    expect(t.dtype).toBe('int32');
    expect(Array.from(t.dataSync())).toEqual([0, 255, 7]);
    expect(readIdx(encodeIdx([0.5], [1, 1], 'float')).dtype).toBe('float32');
    expect(readIdx(encodeIdx([0.5], [1], 'double')).dtype).toBe('float64');
  });

  it('fuzz: readIdx only ever returns or throws FormatError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          readIdx(bytes);
        } catch (error) {
          if (!(error instanceof FormatError)) throw error;
        }
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});
