// The loop the image fuzz tests share. Bounds are measured, not timed: the typed-array memory each decode
// allocates (counted by alloc-spy.ts) must stay within the limit it was given, and the resident memory may not
// grow by 128 MB or more: the largest RSS seen between cases (which also covers what the spy cannot see, such as
// fflate's buffers, and garbage not yet collected) plus the largest single decode's allocation. (getrusage's
// maxRSS would be simpler, but the test worker may have peaked higher in an earlier test file.)
import { FormatError } from '@nn/tensor';
import { expect } from 'vitest';
import { decodeImageHost } from '../src/image';
import { decodeLimits } from '../src/limits';
import { Rng } from '../src/random';
import { countAllocations } from './alloc-spy';

/** Cases per fuzz test: NN_FUZZ_RUNS, else a count that keeps the default suite to a few seconds. */
export const FUZZ_RUNS = Number(process.env.NN_FUZZ_RUNS ?? 1500);

const MB = 2 ** 20;

/**
 * Decodes `runs` mutated files (deterministic for a seed), half with the default limits and half with a tight
 * limit proportional to the input, and checks that each decodes or throws FormatError within its limit.
 */
export function fuzzDecode(
  label: string,
  options: { runs: number; seed: number; mutate: (run: number, rng: Rng) => { bytes: Uint8Array; kind: string } },
): void {
  const rng = new Rng(options.seed);
  const baseline = process.memoryUsage.rss();
  let highest = baseline;
  const outcomes = new Map<string, number>();
  let decoded = 0;
  let largest = 0;
  for (let run = 0; run < options.runs; run++) {
    const { bytes, kind } = options.mutate(run, rng);
    const limits = run % 2 === 0 ? {} : { maxDecodeBytes: 2000 * Math.max(1, bytes.length) };
    const limit = decodeLimits(bytes.length, limits).maxBytes;
    const { error, bytes: allocated } = countAllocations(() => decodeImageHost(bytes, limits));
    if (error !== undefined && !(error instanceof FormatError)) {
      throw new Error(`run ${run} (${kind}): ${String(error)}`, { cause: error });
    }
    expect(allocated, `run ${run} (${kind})`).toBeLessThanOrEqual(limit);
    largest = Math.max(largest, allocated);
    highest = Math.max(highest, process.memoryUsage.rss());
    if (error === undefined) decoded++;
    const key = `${kind}: ${error === undefined ? 'decoded' : 'FormatError'}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  const grown = (highest - baseline + largest) / MB;
  console.log(
    `[${label}] ${options.runs} cases, ${decoded} decoded, largest allocation ${(largest / MB).toFixed(1)} MB, ` +
      `peak RSS ${grown.toFixed(0)} MB above the start; ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(', ')}`,
  );
  expect(grown).toBeLessThan(128);
  expect(decoded).toBeGreaterThan(0);
}
