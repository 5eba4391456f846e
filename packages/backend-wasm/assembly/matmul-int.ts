// The int32 matrix product: C = A @ B with int32 wrapping arithmetic, the low 32 bits of the exact sum (what the
// reference's float64 accumulation stores through ToInt32 while the sum is exact). Row by row, each A element
// times a row of B added into C's row, four lanes at a time when B's rows are contiguous.

/** C [m, n] (row stride ldc) = A @ B for strided int32 operands (strides in elements). */
export function gemmInt(
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, ldc: i32, m: i32, n: i32, k: i32,
): void {
  for (let i = 0; i < m; i++) {
    const cRow = c + ((<usize>i * <usize>ldc) << 2);
    memory.fill(cRow, 0, (<usize>n) << 2);
    for (let p = 0; p < k; p++) {
      const aip = load<i32>(a + ((<usize>i * <usize>ars + <usize>p * <usize>acs) << 2));
      if (aip == 0) continue;
      const bRow = b + ((<usize>p * <usize>brs) << 2);
      let j = 0;
      if (bcs == 1) {
        const av = i32x4.splat(aip);
        for (; j + 4 <= n; j += 4) {
          const o = (<usize>j) << 2;
          v128.store(cRow + o, i32x4.add(v128.load(cRow + o), i32x4.mul(av, v128.load(bRow + o))));
        }
      }
      for (; j < n; j++) {
        const o = (<usize>j) << 2;
        store<i32>(cRow + o, load<i32>(cRow + o) + aip * load<i32>(bRow + ((<usize>j * <usize>bcs) << 2)));
      }
    }
  }
}
