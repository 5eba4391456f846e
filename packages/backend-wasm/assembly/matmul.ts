// Single-precision GEMM: C[m, n] = A[m, k] @ B[k, n], every operand given by pointer + row/column strides
// (in elements), so transposed operands cost nothing extra: the packing step reads them either way.
//
// Goto/BLIS structure: B is packed into KC x NR column panels, A into MR x KC row panels, both zero-padded
// to full panels so the register-tiled micro-kernel never needs an edge case. The micro-kernel keeps a
// 4 x 8 tile of C in eight f32x4 accumulators (more spills registers in V8's wasm tier).
import { madd } from './madd';

const MR: i32 = 4;
const NR: i32 = 8;
/** Depth of one packed block: a KC x NR panel of B (8 KiB) stays in L1 while the A panels stream past. */
export const KC: i32 = 256;
/** Rows of A packed at once: MC x KC floats (128 KiB) sit in L2. */
export const MC: i32 = 128;
/** Columns of B packed at once: KC x NC floats (2 MiB). */
export const NC: i32 = 2048;

/** Floats of scratch a caller must provide for packing (A block, then B block). */
export function gemmScratchFloats(): i32 {
  return MC * KC + KC * NC;
}

// Packs rows [0, mc) x depth [0, kc) of A (pointer already at the block origin) into MR-row panels:
// panel p holds, for each k, the MR values A[p*MR + r, k] next to each other.
function packA(a: usize, rs: i32, cs: i32, mc: i32, kc: i32, dst: usize): void {
  for (let p = 0; p < mc; p += MR) {
    const rows = min(MR, mc - p);
    const rowBase = a + (<usize>(p * rs) << 2);
    if (rows == MR && cs == 1) {
      const r0 = rowBase;
      const r1 = r0 + (<usize>rs << 2);
      const r2 = r1 + (<usize>rs << 2);
      const r3 = r2 + (<usize>rs << 2);
      for (let k = 0; k < kc; k++) {
        const off = <usize>k << 2;
        store<f32>(dst, load<f32>(r0 + off));
        store<f32>(dst, load<f32>(r1 + off), 4);
        store<f32>(dst, load<f32>(r2 + off), 8);
        store<f32>(dst, load<f32>(r3 + off), 12);
        dst += 16;
      }
    } else if (rows == MR && rs == 1) {
      // A transposed: the MR values of one k are contiguous.
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(rowBase + (<usize>(k * cs) << 2)));
        dst += 16;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let r = 0; r < MR; r++) {
          store<f32>(dst, r < rows ? load<f32>(rowBase + (<usize>(r * rs + k * cs) << 2)) : 0);
          dst += 4;
        }
      }
    }
  }
}

// Packs depth [0, kc) x columns [0, nc) of B into NR-column panels: panel p holds, for each k, the NR
// values B[k, p*NR + c] next to each other.
function packB(b: usize, rs: i32, cs: i32, kc: i32, nc: i32, dst: usize): void {
  for (let p = 0; p < nc; p += NR) {
    const cols = min(NR, nc - p);
    const colBase = b + (<usize>(p * cs) << 2);
    if (cols == NR && cs == 1) {
      for (let k = 0; k < kc; k++) {
        const src = colBase + (<usize>(k * rs) << 2);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
      }
    } else if (rs == 1) {
      // B transposed (each column contiguous in k): read columns, write the panel with a stride.
      for (let c = 0; c < NR; c++) {
        const out = dst + (<usize>c << 2);
        if (c < cols) {
          const src = colBase + (<usize>(c * cs) << 2);
          for (let k = 0; k < kc; k++) store<f32>(out + (<usize>k << 5), load<f32>(src + (<usize>k << 2)));
        } else {
          for (let k = 0; k < kc; k++) store<f32>(out + (<usize>k << 5), 0);
        }
      }
      dst += <usize>kc << 5;
    } else {
      for (let k = 0; k < kc; k++) {
        for (let c = 0; c < NR; c++) {
          store<f32>(dst, c < cols ? load<f32>(colBase + (<usize>(k * rs + c * cs) << 2)) : 0);
          dst += 4;
        }
      }
    }
  }
}

// The 4 x 8 micro-kernel over packed panels. `accumulate` adds into C (later depth blocks) instead of
// overwriting it. Full tiles write straight to C; edge tiles go through `tile` and are copied partially.
// @ts-ignore: decorator
@inline
function micro(pa: usize, pb: usize, kc: i32, c: usize, ldc: i32, rows: i32, cols: i32, accumulate: bool, tile: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  const ldcBytes = <usize>ldc << 2;
  if (rows == MR && cols == NR) {
    let row = c;
    if (accumulate) {
      v128.store(row, f32x4.add(v128.load(row), c00));
      v128.store(row, f32x4.add(v128.load(row, 16), c01), 16);
      row += ldcBytes;
      v128.store(row, f32x4.add(v128.load(row), c10));
      v128.store(row, f32x4.add(v128.load(row, 16), c11), 16);
      row += ldcBytes;
      v128.store(row, f32x4.add(v128.load(row), c20));
      v128.store(row, f32x4.add(v128.load(row, 16), c21), 16);
      row += ldcBytes;
      v128.store(row, f32x4.add(v128.load(row), c30));
      v128.store(row, f32x4.add(v128.load(row, 16), c31), 16);
    } else {
      v128.store(row, c00);
      v128.store(row, c01, 16);
      row += ldcBytes;
      v128.store(row, c10);
      v128.store(row, c11, 16);
      row += ldcBytes;
      v128.store(row, c20);
      v128.store(row, c21, 16);
      row += ldcBytes;
      v128.store(row, c30);
      v128.store(row, c31, 16);
    }
    return;
  }
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  for (let r = 0; r < rows; r++) {
    const dst = c + <usize>r * ldcBytes;
    const src = tile + (<usize>(r * NR) << 2);
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      const v = load<f32>(src + o);
      store<f32>(dst + o, accumulate ? load<f32>(dst + o) + v : v);
    }
  }
}

/**
 * C = A @ B (or C += A @ B when `accumulate`). Strides are in elements; `scratch` must hold
 * gemmScratchFloats() floats plus a 32-float tile, 16-byte aligned.
 */
export function gemm(
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32,
  m: i32, n: i32, k: i32,
  accumulate: bool, scratch: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + (<usize>(i * ldc) << 2), 0, <usize>n << 2);
    return;
  }
  const packedA = scratch;
  const packedB = scratch + (<usize>(MC * KC) << 2);
  const tile = packedB + (<usize>(KC * NC) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const acc = accumulate || pc > 0;
      packB(b + (<usize>(pc * brs + jc * bcs) << 2), brs, bcs, kc, nc, packedB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a + (<usize>(ic * ars + pc * acs) << 2), ars, acs, mc, kc, packedA);
        for (let jr = 0; jr < nc; jr += NR) {
          const pb = packedB + (<usize>(jr * kc) << 2);
          const cols = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const pa = packedA + (<usize>(ir * kc) << 2);
            const cTile = c + (<usize>((ic + ir) * ldc + jc + jr) << 2);
            micro(pa, pb, kc, cTile, ldc, min(MR, mc - ir), cols, acc, tile);
          }
        }
      }
    }
  }
}

