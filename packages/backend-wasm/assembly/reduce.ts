// Reductions of float32 or int32 over the middle axis of an [outer, length, inner] view: every reduction over a
// contiguous block of axes is one (the JS side splits other axis sets into several). Sums accumulate in f64, as
// the reference does: float32 sums lose nothing visible against it, int32 sums wrap once at the end. Op codes match
// src/kernels/reduce.ts.
import { toInt32 } from './int32';

const SUM = 0;
const MAX = 1;
const MIN = 2;

// The low two lanes of four 32-bit values as f64s.
// @ts-ignore: decorator
@inline
function widenLow(int: bool, v: v128): v128 {
  return int ? f64x2.convert_low_i32x4_s(v) : f64x2.promote_low_f32x4(v);
}

// @ts-ignore: decorator
@inline
function widen(int: bool, x: usize): f64 {
  return int ? <f64>load<i32>(x) : <f64>load<f32>(x);
}

// Sum of n contiguous values, f64 accumulation, two f64x2 accumulators per four lanes.
// @ts-ignore: decorator
@inline
function sumRow(int: bool, x: usize, n: i32): f64 {
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    lo = f64x2.add(lo, widenLow(int, v));
    hi = f64x2.add(hi, widenLow(int, v128.swizzle(v, i8x16(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7))));
  }
  const both = f64x2.add(lo, hi);
  let sum = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
  for (; i < n; i++) sum += widen(int, x + (<usize>i << 2));
  return sum;
}

// A sum's result in the input's dtype.
// @ts-ignore: decorator
@inline
function storeSum(int: bool, dst: usize, sum: f64): void {
  if (int) store<i32>(dst, toInt32(sum));
  else store<f32>(dst, <f32>sum);
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

// @ts-ignore: decorator
@inline
function extremeRowInt(isMax: bool, x: usize, n: i32): i32 {
  let acc = i32x4.splat(isMax ? i32.MIN_VALUE : i32.MAX_VALUE);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    acc = isMax ? i32x4.max_s(acc, v) : i32x4.min_s(acc, v);
  }
  let r = isMax
    ? max<i32>(max<i32>(i32x4.extract_lane(acc, 0), i32x4.extract_lane(acc, 1)), max<i32>(i32x4.extract_lane(acc, 2), i32x4.extract_lane(acc, 3)))
    : min<i32>(min<i32>(i32x4.extract_lane(acc, 0), i32x4.extract_lane(acc, 1)), min<i32>(i32x4.extract_lane(acc, 2), i32x4.extract_lane(acc, 3)));
  for (; i < n; i++) {
    const v = load<i32>(x + (<usize>i << 2));
    r = isMax ? max<i32>(r, v) : min<i32>(r, v);
  }
  return r;
}

/** Sums of `length` rows of `inner` values each into `dst`, through `inner` f64 accumulators at `acc`. */
// @ts-ignore: decorator
@inline
function sumRows(int: bool, src: usize, dst: usize, length: i32, inner: i32, acc: usize): void {
  const innerBytes = <usize>inner << 2;
  memory.fill(acc, 0, <usize>inner << 3);
  for (let l = 0; l < length; l++) {
    const row = src + <usize>l * innerBytes;
    let j = 0;
    for (; j + 2 <= inner; j += 2) {
      const a = acc + (<usize>j << 3);
      v128.store(a, f64x2.add(v128.load(a), widenLow(int, v128.load64_zero(row + (<usize>j << 2)))));
    }
    for (; j < inner; j++) {
      const a = acc + (<usize>j << 3);
      store<f64>(a, load<f64>(a) + widen(int, row + (<usize>j << 2)));
    }
  }
  for (let j = 0; j < inner; j++) storeSum(int, dst + (<usize>j << 2), load<f64>(acc + (<usize>j << 3)));
}

/** Elementwise max/min of `length` rows of `inner` values each into `dst`. */
// @ts-ignore: decorator
@inline
function extremeRows(isMax: bool, int: bool, src: usize, dst: usize, length: i32, inner: i32): void {
  const innerBytes = <usize>inner << 2;
  const init = int
    ? i32x4.splat(isMax ? i32.MIN_VALUE : i32.MAX_VALUE)
    : f32x4.splat(isMax ? -Infinity : Infinity);
  let j = 0;
  for (; j + 4 <= inner; j += 4) v128.store(dst + (<usize>j << 2), init);
  for (; j < inner; j++) v128.store32_lane(dst + (<usize>j << 2), init, 0);
  for (let l = 0; l < length; l++) {
    const row = src + <usize>l * innerBytes;
    j = 0;
    for (; j + 4 <= inner; j += 4) {
      const d = dst + (<usize>j << 2);
      const v = v128.load(row + (<usize>j << 2));
      const old = v128.load(d);
      v128.store(d, int ? (isMax ? i32x4.max_s(old, v) : i32x4.min_s(old, v)) : isMax ? f32x4.max(old, v) : f32x4.min(old, v));
    }
    for (; j < inner; j++) {
      const d = dst + (<usize>j << 2);
      if (int) {
        const v = load<i32>(row + (<usize>j << 2));
        store<i32>(d, isMax ? max<i32>(load<i32>(d), v) : min<i32>(load<i32>(d), v));
      } else {
        const v = load<f32>(row + (<usize>j << 2));
        store<f32>(d, isMax ? max<f32>(load<f32>(d), v) : min<f32>(load<f32>(d), v));
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function reduceAs(op: i32, int: bool, x: usize, out: usize, outer: i32, length: i32, inner: i32, acc: usize): void {
  const innerBytes = <usize>inner << 2;
  const sliceBytes = innerBytes * <usize>length;
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * sliceBytes;
    const dst = out + <usize>o * innerBytes;
    if (inner == 1) {
      if (op == SUM) storeSum(int, dst, sumRow(int, src, length));
      else if (int) store<i32>(dst, extremeRowInt(op == MAX, src, length));
      else store<f32>(dst, extremeRow(op == MAX, src, length));
    } else if (op == SUM) sumRows(int, src, dst, length, inner, acc);
    else extremeRows(op == MAX, int, src, dst, length, inner);
  }
}

/**
 * out[o, j] = reduce_l x[o, l, j], float32 or (`int`) int32. `acc` is scratch for `inner` f64s (sums with
 * inner > 1). A zero-length reduction gives 0 for sums and -Infinity/Infinity for float max/min, like the
 * reference (the ops refuse those; the JS side writes the reference's 0 for an empty int32 max/min).
 */
export function reduce(op: i32, int: bool, x: usize, out: usize, outer: i32, length: i32, inner: i32, acc: usize): void {
  if (int) {
    if (op == SUM) reduceAs(SUM, true, x, out, outer, length, inner, acc);
    else if (op == MAX) reduceAs(MAX, true, x, out, outer, length, inner, acc);
    else reduceAs(MIN, true, x, out, outer, length, inner, acc);
  } else if (op == SUM) reduceAs(SUM, false, x, out, outer, length, inner, acc);
  else if (op == MAX) reduceAs(MAX, false, x, out, outer, length, inner, acc);
  else reduceAs(MIN, false, x, out, outer, length, inner, acc);
}

// @ts-ignore: decorator
@inline
function argMaxAs(int: bool, x: usize, out: usize, outer: i32, length: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    const base = x + (<usize>(o * length * inner) << 2);
    for (let j = 0; j < inner; j++) {
      let at = 0;
      if (int) {
        let best = load<i32>(base + (<usize>j << 2));
        for (let l = 1; l < length; l++) {
          const v = load<i32>(base + (<usize>(l * inner + j) << 2));
          if (v > best) {
            best = v;
            at = l;
          }
        }
      } else {
        let best = load<f32>(base + (<usize>j << 2));
        for (let l = 1; l < length && best == best; l++) {
          const v = load<f32>(base + (<usize>(l * inner + j) << 2));
          if (v > best || v != v) {
            best = v;
            at = l;
          }
        }
      }
      store<i32>(out + (<usize>(o * inner + j) << 2), at);
    }
  }
}

/**
 * int32 out[o, j] = index of the first maximum of x[o, :, j], float32 or (`int`) int32 (a NaN counts as the
 * maximum; its first wins).
 */
export function argMax(int: bool, x: usize, out: usize, outer: i32, length: i32, inner: i32): void {
  if (int) argMaxAs(true, x, out, outer, length, inner);
  else argMaxAs(false, x, out, outer, length, inner);
}

/**
 * Running sums along the middle axis of an [outer, length, inner] view (from its end when `reverse`), float32 or
 * (`int`) int32. Float sums accumulate in f64 per inner position (`acc`: inner f64s) and round once per output;
 * int32 sums wrap at every step, as int32 arithmetic (and the reference) does.
 */
export function cumsum(
  int: bool,
  x: usize,
  out: usize,
  outer: i32,
  length: i32,
  inner: i32,
  reverse: bool,
  acc: usize,
): void {
  for (let o = 0; o < outer; o++) {
    memory.fill(acc, 0, (<usize>inner) << 3);
    for (let step = 0; step < length; step++) {
      const k = reverse ? length - 1 - step : step;
      const row = (<usize>o * <usize>length + <usize>k) * <usize>inner;
      for (let j = 0; j < inner; j++) {
        const a = acc + ((<usize>j) << 3);
        const at = (row + <usize>j) << 2;
        if (int) {
          const s = load<i32>(a) + load<i32>(x + at);
          store<i32>(a, s);
          store<i32>(out + at, s);
        } else {
          const s = load<f64>(a) + <f64>load<f32>(x + at);
          store<f64>(a, s);
          store<f32>(out + at, <f32>s);
        }
      }
    }
  }
}
