// Mutated ONNX files: each one loads or is refused with FormatError, and a model that loads runs or throws an
// NNError (a graph can be well-formed and still not fit its input). NN_FUZZ_RUNS sets the number of cases.
import { readFileSync } from 'node:fs';
import { FormatError, NNError, randn, tidy } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { loadOnnx } from './load';

const RUNS = Number(process.env.NN_FUZZ_RUNS ?? 250);

/** A small seeded generator (mulberry32), so a failing case can be replayed. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function mutate(seed: Uint8Array, int: (n: number) => number): { bytes: Uint8Array; kind: string } {
  const bytes = seed.slice();
  switch (int(4)) {
    case 0:
      return { bytes: bytes.subarray(0, int(bytes.length)), kind: 'truncation' };
    case 1: {
      for (let i = 1 + int(4); i > 0; i--) bytes[int(bytes.length)] = int(256);
      return { bytes, kind: 'bytes' };
    }
    case 2: {
      // A huge varint where a length or a dimension may be: lying sizes.
      const at = int(bytes.length - 5);
      bytes.set([0xff, 0xff, 0xff, 0xff, 0x0f], at);
      return { bytes, kind: 'varint' };
    }
    default: {
      // A length prefix one larger or smaller (a field running past its message or ending early).
      const at = int(bytes.length);
      bytes[at] = (bytes[at]! + (int(2) === 0 ? 1 : 255)) & 255;
      return { bytes, kind: 'length' };
    }
  }
}

describe('loadOnnx on mutated files', () => {
  for (const [name, shape] of [
    ['mlp', [2, 6]],
    ['lstm', [2, 7, 5]],
  ] as const) {
    it(`${name}.onnx: loads, or FormatError; runs, or NNError`, async () => {
      const seed = new Uint8Array(readFileSync(new URL(`../test/fixtures/${name}.onnx`, import.meta.url)));
      const int = rng(name.length);
      const outcomes = new Map<string, number>();
      const before = process.memoryUsage.rss();
      for (let run = 0; run < RUNS; run++) {
        const { bytes, kind } = mutate(seed, int);
        let outcome = 'ran';
        try {
          const model = await loadOnnx(bytes);
          try {
            tidy(() => void model.forward(randn([...shape])));
          } catch (error) {
            if (!(error instanceof NNError))
              throw new Error(`run ${run} (${kind}) forward: ${String(error)}`, { cause: error });
            outcome = 'forward NNError';
          }
        } catch (error) {
          if (!(error instanceof FormatError))
            throw new Error(`run ${run} (${kind}) load: ${String(error)}`, { cause: error });
          outcome = 'FormatError';
        }
        outcomes.set(`${kind}: ${outcome}`, (outcomes.get(`${kind}: ${outcome}`) ?? 0) + 1);
      }
      console.log(`[${name}] ${RUNS} cases; ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(', ')}`);
      expect(process.memoryUsage.rss() - before).toBeLessThan(256 * 2 ** 20);
    });
  }
});
