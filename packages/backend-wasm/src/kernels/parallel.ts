/**
 * Splitting kernels over the backend's lanes (threads): GEMMs by rows or columns, convolutions and pooling by
 * images or planes. Every split writes disjoint parts of the output, so results do not depend on the thread
 * count except where partial sums are added (the filter gradient), which differ only by float rounding.
 */
import type { WasmBackend } from '../backend';
import type { ThreadCall } from '../threads/pool';

/**
 * When kernels split: below `gemmMacs` multiply-adds a GEMM or convolution runs on one thread (waking
 * workers costs more than it saves); pooling wants `poolElements` input elements per lane. Mutable for
 * tests, which set them to 1 to split even tiny kernels.
 */
export const parallelThresholds = { gemmMacs: 1 << 18, poolElements: 1 << 16 };
/** GEMM register tile (assembly/matmul.ts MR x NR): splits stay multiples of it. */
const MR = 4;
const NR = 8;

/** `total` items in at most `parts` runs, each a multiple of `align` (but the last): [start, count][]. */
export function splitRange(total: number, parts: number, align = 1): [number, number][] {
  const units = Math.ceil(total / align);
  const used = Math.max(1, Math.min(parts, units));
  const runs: [number, number][] = [];
  let start = 0;
  for (let part = 0; part < used; part++) {
    const end = Math.min(total, Math.round((units * (part + 1)) / used) * align);
    if (end > start) runs.push([start, end - start]);
    start = end;
  }
  return runs;
}

/** Lanes for a kernel of `work` units, with at least `minPerLane` units per lane. */
export function lanesFor(backend: WasmBackend, work: number, minPerLane: number): number {
  const perLane = Math.max(1, minPerLane);
  if (work < 2 * perLane) return 1;
  return Math.min(backend.lanes(), Math.floor(work / perLane));
}

/**
 * C[m, n] (+)= A @ B, like the wasm gemm, split by rows of C (when m >= n) or columns over the lanes. Each lane
 * packs into its own scratch.
 */
export function parallelGemm(
  backend: WasmBackend,
  a: number,
  ars: number,
  acs: number,
  b: number,
  brs: number,
  bcs: number,
  c: number,
  ldc: number,
  m: number,
  n: number,
  k: number,
  accumulate: boolean,
): void {
  const acc = accumulate ? 1 : 0;
  const lanes = lanesFor(backend, m * n * k, parallelThresholds.gemmMacs / 2);
  if (lanes === 1) {
    backend.exports.gemm(a, ars, acs, b, brs, bcs, c, ldc, m, n, k, acc, backend.gemmScratch());
    return;
  }
  const byRows = m >= n;
  const calls: ThreadCall[] = splitRange(byRows ? m : n, lanes, byRows ? MR : NR).map(([start, count], lane) => {
    const scratch = backend.gemmScratch(lane);
    const args = byRows
      ? [a + start * ars * 4, ars, acs, b, brs, bcs, c + start * ldc * 4, ldc, count, n, k, acc, scratch]
      : [a, ars, acs, b + start * bcs * 4, brs, bcs, c + start * 4, ldc, m, count, k, acc, scratch];
    return { fn: 'gemm', args };
  });
  backend.parallel(calls);
}
