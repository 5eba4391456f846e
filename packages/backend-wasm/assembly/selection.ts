// The selection family: the order of each row's values (TopK; sort, argsort and topk are built on it).

/**
 * Whether index i of the row at `x` comes strictly before index j: by value (largest or smallest first), NaN
 * counting as the largest value, ties by index. A total order, so the result is the stable sort's.
 */
// @ts-ignore: decorator
@inline
function before<T>(x: usize, i: i32, j: i32, largest: bool): bool {
  const a = load<T>(x + ((<usize>i) << 2));
  const b = load<T>(x + ((<usize>j) << 2));
  if (isFloat<T>()) {
    const nanA = isNaN<T>(a);
    const nanB = isNaN<T>(b);
    if (nanA || nanB) return nanA && nanB ? i < j : nanA == largest;
  }
  if (a == b) return i < j;
  return largest ? a > b : a < b;
}

// @ts-ignore: decorator
@inline
function topKRows<T>(x: usize, out: usize, rows: i32, n: i32, k: i32, largest: bool, scratch: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>n) << 2);
    let src = scratch;
    let dst = scratch + ((<usize>n) << 2);
    for (let i = 0; i < n; i++) store<i32>(src + ((<usize>i) << 2), i);
    // Bottom-up merge sort of the indices: runs of `width` merged pairwise, O(n log n) for any input.
    for (let width = 1; width < n; width <<= 1) {
      for (let lo = 0; lo < n; lo += width << 1) {
        const mid = min<i32>(lo + width, n);
        const hi = min<i32>(lo + (width << 1), n);
        let i = lo;
        let j = mid;
        let o = lo;
        while (i < mid && j < hi) {
          const left = load<i32>(src + ((<usize>i) << 2));
          const right = load<i32>(src + ((<usize>j) << 2));
          // Take from the right run only when strictly before: equal keys keep their order.
          if (before<T>(row, right, left, largest)) {
            store<i32>(dst + ((<usize>o) << 2), right);
            j++;
          } else {
            store<i32>(dst + ((<usize>o) << 2), left);
            i++;
          }
          o++;
        }
        if (i < mid) memory.copy(dst + ((<usize>o) << 2), src + ((<usize>i) << 2), (<usize>(mid - i)) << 2);
        else if (j < hi) memory.copy(dst + ((<usize>o) << 2), src + ((<usize>j) << 2), (<usize>(hi - j)) << 2);
      }
      const t = src;
      src = dst;
      dst = t;
    }
    memory.copy(out + ((<usize>r * <usize>k) << 2), src, (<usize>k) << 2);
  }
}

/**
 * out[r, :k] = the indices of the k largest (`largest`) or smallest values of row r of the [rows, n] matrix at
 * x, in that order; float32 or (`int`) int32 values. `scratch` holds 2n int32s.
 */
export function topK(int: bool, x: usize, out: usize, rows: i32, n: i32, k: i32, largest: bool, scratch: usize): void {
  if (int) topKRows<i32>(x, out, rows, n, k, largest, scratch);
  else topKRows<f32>(x, out, rows, n, k, largest, scratch);
}
