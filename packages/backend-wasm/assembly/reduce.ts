// Reductions of float32 over the middle axis of an [outer, length, inner] view: every reduction over a
// contiguous block of axes is one (the JS side splits other axis sets into several). Sums accumulate in
// f64 so long reductions lose nothing visible against the float64 reference. Op codes match src/kernels/reduce.ts.

const SUM = 0;
const MAX = 1;
const MIN = 2;

// Sum of n contiguous floats, f64 accumulation, two f64x2 accumulators per f32x4.
function sumRow(x: usize, n: i32): f64 {
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.swizzle(v, i8x16(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7))));
  }
  const both = f64x2.add(lo, hi);
  let sum = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  for (; i < n; i++) sum += <f64>load<f32>(x + (<usize>i << 2));
  return sum;
}

// @ts-ignore: decorator
@inline
function extremeRow(isMax: bool, x: usize, n: i32): f32 {
  // wasm min/max propagate NaN, as torch's reductions do.
  let acc = f32x4.splat(isMax ? -Infinity : Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    acc = isMax ? f32x4.max(acc, v) : f32x4.min(acc, v);
  }
  let r = isMax
    ? max<f32>(max<f32>(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max<f32>(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)))
    : min<f32>(min<f32>(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), min<f32>(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    r = isMax ? max<f32>(r, v) : min<f32>(r, v);
  }
  return r;
}

/**
 * out[o, j] = reduce_l x[o, l, j]. `acc` is scratch for `inner` f64s (sums with inner > 1).
 * A zero-length reduction gives 0 for sums and -Infinity/Infinity for max/min, like the reference.
 */
export function reduce(op: i32, x: usize, out: usize, outer: i32, length: i32, inner: i32, acc: usize): void {
  const innerBytes = <usize>inner << 2;
  const sliceBytes = innerBytes * <usize>length;
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * sliceBytes;
    const dst = out + <usize>o * innerBytes;
    if (inner == 1) {
      let r: f32;
      if (op == SUM) r = <f32>sumRow(src, length);
      else if (op == MAX) r = extremeRow(true, src, length);
      else r = extremeRow(false, src, length);
      store<f32>(dst, r);
      continue;
    }
    if (op == SUM) {
      memory.fill(acc, 0, <usize>inner << 3);
      for (let l = 0; l < length; l++) {
        const row = src + <usize>l * innerBytes;
        let j = 0;
        for (; j + 2 <= inner; j += 2) {
          const a = acc + (<usize>j << 3);
          v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>j << 2)))));
        }
        for (; j < inner; j++) {
          const a = acc + (<usize>j << 3);
          store<f64>(a, load<f64>(a) + <f64>load<f32>(row + (<usize>j << 2)));
        }
      }
      for (let j = 0; j < inner; j++) store<f32>(dst + (<usize>j << 2), <f32>load<f64>(acc + (<usize>j << 3)));
      continue;
    }
    const isMax = op == MAX;
    const init = f32x4.splat(isMax ? -Infinity : Infinity);
    let j = 0;
    for (; j + 4 <= inner; j += 4) v128.store(dst + (<usize>j << 2), init);
    for (; j < inner; j++) store<f32>(dst + (<usize>j << 2), isMax ? -Infinity : Infinity);
    for (let l = 0; l < length; l++) {
      const row = src + <usize>l * innerBytes;
      j = 0;
      for (; j + 4 <= inner; j += 4) {
        const d = dst + (<usize>j << 2);
        const v = v128.load(row + (<usize>j << 2));
        v128.store(d, isMax ? f32x4.max(v128.load(d), v) : f32x4.min(v128.load(d), v));
      }
      for (; j < inner; j++) {
        const d = dst + (<usize>j << 2);
        const v = load<f32>(row + (<usize>j << 2));
        store<f32>(d, isMax ? max<f32>(load<f32>(d), v) : min<f32>(load<f32>(d), v));
      }
    }
  }
}

/** int32 out[o, j] = index of the first maximum of x[o, :, j] (a NaN counts as the maximum; its first wins). */
export function argMax(x: usize, out: usize, outer: i32, length: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    const base = x + (<usize>(o * length * inner) << 2);
    for (let j = 0; j < inner; j++) {
      let best = load<f32>(base + (<usize>j << 2));
      let at = 0;
      for (let l = 1; l < length && best == best; l++) {
        const v = load<f32>(base + (<usize>(l * inner + j) << 2));
        if (v > best || v != v) {
          best = v;
          at = l;
        }
      }
      store<i32>(out + (<usize>(o * inner + j) << 2), at);
    }
  }
}
