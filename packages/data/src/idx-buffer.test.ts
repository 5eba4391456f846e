// Node Buffers as input: one from readFileSync (its own ArrayBuffer), and small ones carved out of Node's shared
// pool (a non-zero byteOffset into a larger ArrayBuffer): a parser that used `.buffer` without the offset, or
// `.slice()` to copy (a view for a Buffer), would read the pool's other bytes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeIdx, parseIdx } from './idx';

describe('IDX from a Node Buffer', () => {
  it.each(['ubyte', 'short', 'float', 'double'] as const)('%s, plain and gzipped, pooled and from a file', (type) => {
    const values = [1, 2, 3, 250, 7, 9];
    const raw = encodeIdx(values, [2, 3], type);
    const dir = mkdtempSync(join(tmpdir(), 'nn-idx-'));
    for (const bytes of [raw, gzipSync(raw)]) {
      writeFileSync(join(dir, 'a.idx'), bytes);
      Buffer.from('something else in the pool first');
      const pooled = Buffer.from(bytes);
      expect(pooled.byteOffset > 0 || pooled.buffer.byteLength > pooled.length).toBe(true);
      for (const input of [readFileSync(join(dir, 'a.idx')), pooled]) {
        const parsed = parseIdx(input);
        expect(parsed.shape).toEqual([2, 3]);
        expect(Array.from(parsed.data)).toEqual(values);
      }
    }
  });
});
