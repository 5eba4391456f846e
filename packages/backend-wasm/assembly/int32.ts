// int32 results the way the reference backend stores them: it computes in float64 and stores into an Int32Array,
// whose conversion (ECMAScript ToInt32) truncates toward zero, maps NaN and the infinities to 0 and wraps
// everything else modulo 2^32. Kernels that compute an int32 result through a double use this to give the same bits.

/** ECMAScript ToInt32 of a double. */
// @ts-ignore: decorator
@inline
export function toInt32(v: f64): i32 {
  if (Math.abs(v) < 2147483648.0) return <i32>v;
  if (!isFinite<f64>(v)) return 0;
  // fmod is exact, and the remainder's low 32 bits are the wrapped value.
  return <i32>(<i64>(v % 4294967296.0));
}
