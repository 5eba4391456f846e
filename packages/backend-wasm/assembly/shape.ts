// Strided copies of 32-bit words (float32 and int32 alike, bit-exact): the data movement of Transpose, Slice,
// Pad, BroadcastTo and Concat in one call, instead of a JS loop over runs.

/**
 * dst[sum_a i_a * dstStrides[a]] = src[sum_a i_a * srcStrides[a]] over every index of `shape` (rank >= 1).
 * `meta` holds rank i32s each of shape, srcStrides, dstStrides (in elements), then rank i32s of scratch.
 * The innermost axis is a run: a SIMD copy when both sides are contiguous, a fill when the source repeats.
 */
export function stridedCopy(src: usize, dst: usize, rank: i32, meta: usize): void {
  const shape = meta;
  const srcStrides = meta + ((<usize>rank) << 2);
  const dstStrides = srcStrides + ((<usize>rank) << 2);
  const index = dstStrides + ((<usize>rank) << 2);
  const last = rank - 1;
  for (let a = 0; a < rank; a++) {
    if (load<i32>(shape + ((<usize>a) << 2)) == 0) return;
    store<i32>(index + ((<usize>a) << 2), 0);
  }
  const n = load<i32>(shape + ((<usize>last) << 2));
  const sStep = load<i32>(srcStrides + ((<usize>last) << 2));
  const dStep = load<i32>(dstStrides + ((<usize>last) << 2));
  let s = src;
  let d = dst;
  for (;;) {
    copyRun(s, sStep, d, dStep, n);
    // Odometer over the outer axes.
    let a = last - 1;
    for (; a >= 0; a--) {
      const at = (<usize>a) << 2;
      const i = load<i32>(index + at) + 1;
      const sStride = <usize>load<i32>(srcStrides + at) << 2;
      const dStride = <usize>load<i32>(dstStrides + at) << 2;
      if (i < load<i32>(shape + at)) {
        store<i32>(index + at, i);
        s += sStride;
        d += dStride;
        break;
      }
      store<i32>(index + at, 0);
      s -= <usize>(i - 1) * sStride;
      d -= <usize>(i - 1) * dStride;
    }
    if (a < 0) return;
  }
}

// @ts-ignore: decorator
@inline
function copyRun(s: usize, sStep: i32, d: usize, dStep: i32, n: i32): void {
  let i = 0;
  if (dStep == 1 && sStep == 1) {
    for (; i + 4 <= n; i += 4) v128.store(d + ((<usize>i) << 2), v128.load(s + ((<usize>i) << 2)));
    for (; i < n; i++) store<u32>(d + ((<usize>i) << 2), load<u32>(s + ((<usize>i) << 2)));
    return;
  }
  if (dStep == 1 && sStep == 0) {
    const v = v128.load32_splat(s);
    for (; i + 4 <= n; i += 4) v128.store(d + ((<usize>i) << 2), v);
    for (; i < n; i++) store<u32>(d + ((<usize>i) << 2), load<u32>(s));
    return;
  }
  const sBytes = (<usize>sStep) << 2;
  const dBytes = (<usize>dStep) << 2;
  for (; i < n; i++) {
    store<u32>(d, load<u32>(s));
    s += sBytes;
    d += dBytes;
  }
}

/** dst [cols, rows] = src [rows, cols]^T for `batches` matrices back to back, in 8x8 tiles. */
export function transpose2d(src: usize, dst: usize, batches: i32, rows: i32, cols: i32): void {
  const matrix = (<usize>(rows * cols)) << 2;
  for (let b = 0; b < batches; b++) {
    const s = src + <usize>b * matrix;
    const d = dst + <usize>b * matrix;
    for (let r0 = 0; r0 < rows; r0 += 8) {
      const r1 = min(rows, r0 + 8);
      for (let c0 = 0; c0 < cols; c0 += 8) {
        const c1 = min(cols, c0 + 8);
        for (let r = r0; r < r1; r++) {
          const from = s + ((<usize>(r * cols)) << 2);
          for (let c = c0; c < c1; c++) {
            store<u32>(d + ((<usize>(c * rows + r)) << 2), load<u32>(from + ((<usize>c) << 2)));
          }
        }
      }
    }
  }
}
