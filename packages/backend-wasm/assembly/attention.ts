// Fused scaled dot-product attention over float32 [batch, L, E] queries, [batch, S, E] keys, [batch, S, Ev] values.
// Query rows go in blocks of at most `block`: one block of scores [block, S] lives in the calling thread's work
// buffer, where it is computed by the GEMM (assembly/matmul.ts), masked and soft-maxed (SIMD exp), and multiplied
// by V, so no [L, S] matrix is ever stored. The backward pass recomputes each block the same way.
import { gemm } from './matmul';
import { expLanes } from './lanes-math';

const MASK_NONE = 0;
const MASK_KEEP = 1; // int32, keep where nonzero
// Anything else: an additive float32 mask.

/** Keys a row block [i0, i1) scores: all S, or under the causal mask only those j < i1. */
// @ts-ignore: decorator
@inline function scoredKeys(S: i32, i1: i32, causal: i32): i32 {
  return causal != 0 ? min(S, i1) : S;
}

/**
 * softmax(scale * row[j]) over keys j < limit of one row of n scored keys, in place, in four lanes; keys
 * [limit, n) (the causal mask) become 0. The same values, from the same additions in the same order, as the masked
 * loop below with no mask (whose masked keys add exact zeros); here the whole vectors past limit are skipped.
 */
// @ts-ignore: decorator
@inline
function softmaxRowUnmasked(row: usize, n: i32, limit: i32, scale: f32): void {
  const s4 = f32x4.splat(scale);
  const inf = f32x4.splat(-Infinity);
  // The masked loop's vectors cover [0, n & ~3) and its scalar tail the rest; of those, only the vectors that
  // reach below limit have nonzero lanes.
  const vectorEnd = n & ~3;
  const lastVector = min(vectorEnd, (limit + 3) & ~3);
  let maxes = inf;
  let j = 0;
  for (; j + 4 <= limit && j < vectorEnd; j += 4) {
    const o = <usize>j << 2;
    const s = f32x4.mul(v128.load(row + o), s4);
    v128.store(row + o, s);
    maxes = f32x4.pmax(maxes, s);
  }
  let top: f32 = max(
    max(f32x4.extract_lane(maxes, 0), f32x4.extract_lane(maxes, 1)),
    max(f32x4.extract_lane(maxes, 2), f32x4.extract_lane(maxes, 3)),
  );
  for (; j < limit; j++) {
    const o = <usize>j << 2;
    const s = load<f32>(row + o) * scale;
    store<f32>(row + o, s);
    if (s > top) top = s;
  }
  if (top == -Infinity) {
    memory.fill(row, 0, (<usize>n) << 2);
    return;
  }
  const mv = f32x4.splat(top);
  let sums = f32x4.splat(0);
  j = 0;
  for (; j < lastVector; j += 4) {
    const o = <usize>j << 2;
    // Lanes at or past limit (in the last vector only) are masked to -Infinity: exp gives 0 there.
    const keep = i32x4.lt_s(i32x4.add(i32x4(0, 1, 2, 3), i32x4.splat(j)), i32x4.splat(limit));
    const e = expLanes(f32x4.sub(v128.bitselect(v128.load(row + o), inf, keep), mv));
    v128.store(row + o, e);
    sums = f32x4.add(sums, e);
  }
  let sum: f32 = f32x4.extract_lane(sums, 0) + f32x4.extract_lane(sums, 1);
  sum += f32x4.extract_lane(sums, 2) + f32x4.extract_lane(sums, 3);
  for (j = vectorEnd; j < limit; j++) {
    const o = <usize>j << 2;
    const e = Mathf.exp(load<f32>(row + o) - top);
    store<f32>(row + o, e);
    sum += e;
  }
  const inv = f32x4.splat(1 / sum);
  const end = max(lastVector, limit);
  j = 0;
  for (; j + 4 <= end; j += 4) v128.store(row + (<usize>j << 2), f32x4.mul(v128.load(row + (<usize>j << 2)), inv));
  for (; j < end; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) * f32x4.extract_lane(inv, 0));
  if (end < n) memory.fill(row + (<usize>end << 2), 0, (<usize>(n - end)) << 2);
}

/**
 * Turns rows [0, rows) of raw scores q·k (row stride S, n keys scored) of query rows i0.. into attention weights in
 * place: times scale, masked, soft-maxed. A row whose keys are all masked out becomes 0.
 */
function softmaxRows(
  p: usize, mask: usize, rows: i32, i0: i32, n: i32, S: i32, scale: f32, causal: i32, maskKind: i32,
): void {
  for (let t = 0; t < rows; t++) {
    const i = i0 + t;
    const row = p + ((<usize>t * <usize>S) << 2);
    const mRow = mask + ((<usize>t * <usize>S) << 2);
    const limit = causal != 0 ? min(n, i + 1) : n;
    if (maskKind == MASK_NONE) {
      softmaxRowUnmasked(row, n, limit, scale);
      continue;
    }
    let max: f32 = -Infinity;
    for (let j = 0; j < n; j++) {
      const o = <usize>j << 2;
      let s: f32 = -Infinity;
      if (j < limit) {
        s = load<f32>(row + o) * scale;
        if (maskKind == MASK_KEEP) {
          if (load<i32>(mRow + o) == 0) s = -Infinity;
        } else if (maskKind != MASK_NONE) s += load<f32>(mRow + o);
      }
      store<f32>(row + o, s);
      if (s > max) max = s;
    }
    if (max == -Infinity) {
      memory.fill(row, 0, (<usize>n) << 2);
      continue;
    }
    const mv = f32x4.splat(max);
    let sums = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      const e = expLanes(f32x4.sub(v128.load(row + o), mv));
      v128.store(row + o, e);
      sums = f32x4.add(sums, e);
    }
    let sum: f32 = f32x4.extract_lane(sums, 0) + f32x4.extract_lane(sums, 1);
    sum += f32x4.extract_lane(sums, 2) + f32x4.extract_lane(sums, 3);
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const e = Mathf.exp(load<f32>(row + o) - max);
      store<f32>(row + o, e);
      sum += e;
    }
    const inv = f32x4.splat(1 / sum);
    j = 0;
    for (; j + 4 <= n; j += 4) v128.store(row + (<usize>j << 2), f32x4.mul(v128.load(row + (<usize>j << 2)), inv));
    for (; j < n; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) * f32x4.extract_lane(inv, 0));
  }
}

/**
 * The attention weights of query rows [i0, i0 + rows) of one batch entry (queries at qRows, keys at kB, mask rows
 * at mRows) into p (row stride S); returns how many keys were scored.
 */
function weightsBlock(
  p: usize, qRows: usize, kB: usize, mRows: usize, rows: i32, i0: i32, S: i32, E: i32, scale: f32, causal: i32,
  maskKind: i32, scratch: usize,
): i32 {
  const n = scoredKeys(S, i0 + rows, causal);
  // scores[t, j] = q[t] . k[j]: A = the query rows, B = kᵀ (k read with its strides swapped).
  gemm(qRows, E, 1, kB, 1, E, p, S, rows, n, E, false, scratch);
  softmaxRows(p, mRows, rows, i0, n, S, scale, causal, maskKind);
  return n;
}

/**
 * The operands and sizes of one attention call, as the JS side writes them into memory (src/kernels/attention.ts):
 * every thread's call reads the same block and takes only its range of rows or batch entries as arguments.
 */
@unmanaged
export class AttentionArgs {
  q: usize;
  k: usize;
  v: usize;
  /** 0 when maskKind is MASK_NONE. */
  mask: usize;
  /** The forward output [batch, L, Ev]. */
  out: usize;
  dy: usize;
  dq: usize;
  dk: usize;
  dv: usize;
  L: i32;
  S: i32;
  E: i32;
  Ev: i32;
  scale: f32;
  causal: i32;
  maskKind: i32;
  /** Query rows per block of scores. */
  block: i32;
}

/**
 * Output rows [rowStart, rowStart + rows) of the flattened [batch * L] queries. work: block * S floats; scratch:
 * the GEMM's.
 */
export function attention(args: usize, work: usize, scratch: usize, rowStart: i32, rows: i32): void {
  const a = changetype<AttentionArgs>(args);
  const L = a.L;
  const S = a.S;
  const E = a.E;
  const Ev = a.Ev;
  const end = rowStart + rows;
  let r = rowStart;
  while (r < end) {
    const b = r / L;
    const i0 = r % L;
    const count = min(a.block, min(L - i0, end - r));
    const mRows = a.mask + ((<usize>r * <usize>S) << 2);
    const kB = a.k + ((<usize>b * <usize>S * <usize>E) << 2);
    const vB = a.v + ((<usize>b * <usize>S * <usize>Ev) << 2);
    const qRows = a.q + ((<usize>r * <usize>E) << 2);
    const n = weightsBlock(work, qRows, kB, mRows, count, i0, S, E, a.scale, a.causal, a.maskKind, scratch);
    // out[t] = sum_j p[t, j] v[j].
    gemm(work, S, 1, vB, Ev, 1, a.out + ((<usize>r * <usize>Ev) << 2), Ev, count, Ev, n, false, scratch);
    r += count;
  }
}

/**
 * dq, dk, dv of batch entries [bStart, bStart + count) (an entry's dk and dv are its own, so entries can run on
 * different threads). Per block of query rows, with P its weights: dP = dy vᵀ, dS = P (dP - rowsum(P dP)) scale;
 * dv += Pᵀ dy, dq = dS k, dk += dSᵀ q. work: 2 * block * S floats (P, then dP / dS); scratch: the GEMM's.
 */
export function attentionBackward(args: usize, work: usize, scratch: usize, bStart: i32, count: i32): void {
  const a = changetype<AttentionArgs>(args);
  const q = a.q;
  const k = a.k;
  const v = a.v;
  const mask = a.mask;
  const dy = a.dy;
  const dq = a.dq;
  const dk = a.dk;
  const dv = a.dv;
  const L = a.L;
  const S = a.S;
  const E = a.E;
  const Ev = a.Ev;
  const scale = a.scale;
  const causal = a.causal;
  const maskKind = a.maskKind;
  const block = a.block;
  const p = work;
  const dp = work + ((<usize>block * <usize>S) << 2);
  for (let b = bStart; b < bStart + count; b++) {
    const kB = k + ((<usize>b * <usize>S * <usize>E) << 2);
    const vB = v + ((<usize>b * <usize>S * <usize>Ev) << 2);
    const dkB = dk + ((<usize>b * <usize>S * <usize>E) << 2);
    const dvB = dv + ((<usize>b * <usize>S * <usize>Ev) << 2);
    memory.fill(dkB, 0, (<usize>S * <usize>E) << 2);
    memory.fill(dvB, 0, (<usize>S * <usize>Ev) << 2);
    for (let i0 = 0; i0 < L; i0 += block) {
      const rows = min(block, L - i0);
      const r = b * L + i0;
      const qRows = q + ((<usize>r * <usize>E) << 2);
      const gRows = dy + ((<usize>r * <usize>Ev) << 2);
      const mRows = mask + ((<usize>r * <usize>S) << 2);
      const n = weightsBlock(p, qRows, kB, mRows, rows, i0, S, E, scale, causal, maskKind, scratch);
      gemm(gRows, Ev, 1, vB, 1, Ev, dp, S, rows, n, Ev, false, scratch);
      for (let t = 0; t < rows; t++) {
        const pRow = p + ((<usize>t * <usize>S) << 2);
        const dRow = dp + ((<usize>t * <usize>S) << 2);
        let rowDot = f32x4.splat(0);
        let j = 0;
        for (; j + 4 <= n; j += 4) {
          const o = <usize>j << 2;
          rowDot = f32x4.add(rowDot, f32x4.mul(v128.load(pRow + o), v128.load(dRow + o)));
        }
        let dot: f32 = f32x4.extract_lane(rowDot, 0) + f32x4.extract_lane(rowDot, 1);
        dot += f32x4.extract_lane(rowDot, 2) + f32x4.extract_lane(rowDot, 3);
        for (let u = j; u < n; u++) dot += load<f32>(pRow + (<usize>u << 2)) * load<f32>(dRow + (<usize>u << 2));
        const dv4 = f32x4.splat(dot);
        const s4 = f32x4.splat(scale);
        j = 0;
        for (; j + 4 <= n; j += 4) {
          const o = <usize>j << 2;
          const ds = f32x4.mul(f32x4.mul(v128.load(pRow + o), f32x4.sub(v128.load(dRow + o), dv4)), s4);
          v128.store(dRow + o, ds);
        }
        for (; j < n; j++) {
          const o = <usize>j << 2;
          store<f32>(dRow + o, load<f32>(pRow + o) * (load<f32>(dRow + o) - dot) * scale);
        }
      }
      // dv[:n] += Pᵀ dy; dq rows = dS k[:n]; dk[:n] += dSᵀ q.
      gemm(p, 1, S, gRows, Ev, 1, dvB, Ev, n, Ev, rows, true, scratch);
      gemm(dp, S, 1, kB, E, 1, dq + ((<usize>r * <usize>E) << 2), E, rows, E, n, false, scratch);
      gemm(dp, 1, S, qRows, E, 1, dkB, E, n, E, rows, true, scratch);
    }
  }
}
