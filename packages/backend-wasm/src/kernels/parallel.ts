/**
 * Cutting kernels into calls the backend's threads claim: GEMMs by rows or columns, convolutions by images,
 * pooling by planes. Every call writes its own part of the output (the filter gradient: its own partial sum,
 * added in a fixed order), so results do not depend on which thread ran what.
 */
import type { WasmBackend } from '../backend';
import type { ThreadFunction } from '../threads/protocol';

/**
 * When kernels split: below `gemmMacs` multiply-adds a GEMM or convolution runs on one thread (waking
 * workers and packing B once per call costs more than it saves: a 128 x 128 matmul ran 0.7x on two threads
 * at 256K; LeNet-5 and the MLP train 3-8% faster at 4M than at 256K); pooling wants `poolElements` input
 * elements per lane, contiguous elementwise ops `elements`. Mutable for tests, which set them to 1 to split
 * even tiny kernels.
 */
export const parallelThresholds = { gemmMacs: 1 << 22, poolElements: 1 << 16, elements: 1 << 16 };
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

/** Calls per thread a kernel is cut into: claimed dynamically, so a slow or busy thread takes fewer. */
export const CALLS_PER_LANE = 3;

/** Calls to cut `work` units into: 1 below the threshold or on one thread, else a few per thread. */
export function callsFor(backend: WasmBackend, work: number, threshold: number): number {
  if (work < Math.max(2, threshold)) return 1;
  const lanes = backend.lanes();
  return lanes === 1 ? 1 : lanes * CALLS_PER_LANE;
}

/**
 * C[m, n] (+)= A @ B, like the wasm gemm, cut by rows of C (when m >= n) or by columns into calls run in
 * parallel. Each C element is computed the same way whatever the cut, so results do not depend on threads.
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
  const calls = callsFor(backend, m * n * k, parallelThresholds.gemmMacs);
  if (calls === 1) {
    backend.exports.gemm(a, ars, acs, b, brs, bcs, c, ldc, m, n, k, acc, backend.gemmScratch());
    return;
  }
  const byRows = m >= n;
  const runs = splitRange(byRows ? m : n, calls, byRows ? MR : NR);
  backend.parallel(
    runs.map(([start, count]) => {
      const args = byRows
        ? [a + start * ars * 4, ars, acs, b, brs, bcs, c + start * ldc * 4, ldc, count, n, k, acc, 0]
        : [a, ars, acs, b + start * bcs * 4, brs, bcs, c + start * 4, ldc, m, count, k, acc, 0];
      return { fn: 'gemm', args, scratchArg: 12 };
    }),
  );
}

/**
 * An elementwise wasm export over `n` elements, cut into aligned runs run in parallel when large. `call(start,
 * count)` gives the arguments of one run (pointers offset by `start` elements).
 */
export function parallelElementwise(
  backend: WasmBackend,
  fn: ThreadFunction,
  n: number,
  call: (start: number, count: number) => number[],
): void {
  const calls = callsFor(backend, n, parallelThresholds.elements);
  if (calls === 1) {
    // One run: call the export directly (no call table), the common case for small tensors.
    (backend.exports[fn] as (...args: number[]) => void)(...call(0, n));
    return;
  }
  const runs = splitRange(n, calls, 16);
  backend.parallel(runs.map(([start, count]) => ({ fn, args: call(start, count) })));
}

/**
 * A wasm export over `rows` independent rows of `rowLength` elements (layerNorm and its backward), cut into runs
 * of whole rows run in parallel when the rows hold `parallelThresholds.elements` elements or more. `call(start,
 * count)` gives the arguments of rows [start, start + count). Each row is computed alike whatever the cut.
 */
export function parallelRows(
  backend: WasmBackend,
  fn: ThreadFunction,
  rows: number,
  rowLength: number,
  call: (start: number, count: number) => number[],
): void {
  const calls = Math.min(rows, callsFor(backend, rows * rowLength, parallelThresholds.elements));
  if (calls <= 1) {
    (backend.exports[fn] as (...args: number[]) => void)(...call(0, rows));
    return;
  }
  backend.parallel(splitRange(rows, calls).map(([start, count]) => ({ fn, args: call(start, count) })));
}
