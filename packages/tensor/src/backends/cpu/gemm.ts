/**
 * A cache-blocked, register-tiled GEMM in plain TypeScript (the GotoBLAS loop structure).
 *
 * Operands are described by strides, so transposed views cost nothing: the packing step reads them in
 * whatever order and writes contiguous panels. Panels are Float64Array whatever the input dtype, which
 * keeps the hot micro-kernel monomorphic for V8 and accumulates float32 products in double precision.
 */
import type { TypedArray } from '../../types';

/** A strided 2-D view: element (i, j) lives at data[offset + i * rowStride + j * colStride]. */
export interface MatrixView {
  data: TypedArray;
  offset: number;
  rowStride: number;
  colStride: number;
}

const MR = 4;
const NR = 4;
// kc * NR doubles of B stay in L1 while the micro-kernel sweeps the A panels; mc * kc doubles of A sit in L2.
const KC = 256;
const MC = 128;
const NC = 1024;

// Grown on demand and reused across calls: packing is on the hot path, allocation need not be.
let packedA = new Float64Array(0);
let packedB = new Float64Array(0);

/**
 * c[cOffset + i * ldc + j] += sum_p a(i, p) * b(p, j) for i < m, j < n, p < k.
 * `c` must hold the initial values (usually zeros); it is a Float64Array so K-blocks accumulate exactly.
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: MatrixView,
  b: MatrixView,
  c: Float64Array,
  cOffset: number,
  ldc: number,
): void {
  if (m === 0 || n === 0 || k === 0) return;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(b, pc, jc, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(a, ic, pc, mc, kc);
        macroKernel(mc, nc, kc, c, cOffset + ic * ldc + jc, ldc);
      }
    }
  }
}

/** Packs rows [i0, i0+mc) x cols [p0, p0+kc) of A into MR-row panels, zero-padding the last one. */
function packA(a: MatrixView, i0: number, p0: number, mc: number, kc: number): void {
  const { data, offset, rowStride, colStride } = a;
  const panels = Math.ceil(mc / MR);
  const needed = panels * MR * kc;
  if (packedA.length < needed) packedA = new Float64Array(needed);
  const dst = packedA;
  for (let panel = 0; panel < panels; panel++) {
    const rows = Math.min(MR, mc - panel * MR);
    let out = panel * MR * kc;
    const rowBase = offset + (i0 + panel * MR) * rowStride + p0 * colStride;
    if (rows === MR) {
      const r0 = rowBase;
      const r1 = r0 + rowStride;
      const r2 = r1 + rowStride;
      const r3 = r2 + rowStride;
      for (let p = 0; p < kc; p++) {
        const q = p * colStride;
        dst[out] = data[r0 + q]!;
        dst[out + 1] = data[r1 + q]!;
        dst[out + 2] = data[r2 + q]!;
        dst[out + 3] = data[r3 + q]!;
        out += MR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let i = 0; i < MR; i++) dst[out + i] = i < rows ? data[rowBase + i * rowStride + p * colStride]! : 0;
        out += MR;
      }
    }
  }
}

/** Packs rows [p0, p0+kc) x cols [j0, j0+nc) of B into NR-column panels, zero-padding the last one. */
function packB(b: MatrixView, p0: number, j0: number, kc: number, nc: number): void {
  const { data, offset, rowStride, colStride } = b;
  const panels = Math.ceil(nc / NR);
  const needed = panels * NR * kc;
  if (packedB.length < needed) packedB = new Float64Array(needed);
  const dst = packedB;
  for (let panel = 0; panel < panels; panel++) {
    const cols = Math.min(NR, nc - panel * NR);
    let out = panel * NR * kc;
    const colBase = offset + p0 * rowStride + (j0 + panel * NR) * colStride;
    if (cols === NR) {
      const c0 = colBase;
      const c1 = c0 + colStride;
      const c2 = c1 + colStride;
      const c3 = c2 + colStride;
      for (let p = 0; p < kc; p++) {
        const q = p * rowStride;
        dst[out] = data[c0 + q]!;
        dst[out + 1] = data[c1 + q]!;
        dst[out + 2] = data[c2 + q]!;
        dst[out + 3] = data[c3 + q]!;
        out += NR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < NR; j++) dst[out + j] = j < cols ? data[colBase + j * colStride + p * rowStride]! : 0;
        out += NR;
      }
    }
  }
}

function macroKernel(mc: number, nc: number, kc: number, c: Float64Array, cBase: number, ldc: number): void {
  const a = packedA;
  const b = packedB;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = Math.min(NR, nc - jr);
    const bBase = jr * kc;
    for (let ir = 0; ir < mc; ir += MR) {
      const mr = Math.min(MR, mc - ir);
      microKernel(kc, a, ir * kc, b, bBase, c, cBase + ir * ldc + jr, ldc, mr, nr);
    }
  }
}

/** The 4x4 register tile: 16 accumulators live in registers across the whole k loop. */
function microKernel(
  kc: number,
  a: Float64Array,
  aBase: number,
  b: Float64Array,
  bBase: number,
  c: Float64Array,
  cBase: number,
  ldc: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  let ai = aBase;
  let bi = bBase;
  const end = aBase + kc * MR;
  while (ai < end) {
    const a0 = a[ai]!;
    const a1 = a[ai + 1]!;
    const a2 = a[ai + 2]!;
    const a3 = a[ai + 3]!;
    const b0 = b[bi]!;
    const b1 = b[bi + 1]!;
    const b2 = b[bi + 2]!;
    const b3 = b[bi + 3]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ai += MR;
    bi += NR;
  }
  if (mr === MR && nr === NR) {
    let r = cBase;
    c[r] = c[r]! + c00;
    c[r + 1] = c[r + 1]! + c01;
    c[r + 2] = c[r + 2]! + c02;
    c[r + 3] = c[r + 3]! + c03;
    r += ldc;
    c[r] = c[r]! + c10;
    c[r + 1] = c[r + 1]! + c11;
    c[r + 2] = c[r + 2]! + c12;
    c[r + 3] = c[r + 3]! + c13;
    r += ldc;
    c[r] = c[r]! + c20;
    c[r + 1] = c[r + 1]! + c21;
    c[r + 2] = c[r + 2]! + c22;
    c[r + 3] = c[r + 3]! + c23;
    r += ldc;
    c[r] = c[r]! + c30;
    c[r + 1] = c[r + 1]! + c31;
    c[r + 2] = c[r + 2]! + c32;
    c[r + 3] = c[r + 3]! + c33;
    return;
  }
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) c[cBase + i * ldc + j] = c[cBase + i * ldc + j]! + tile[i * NR + j]!;
  }
}
