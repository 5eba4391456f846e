// The f32x4 multiply-add of the hot loops. The relaxed build (scripts/build-wasm.mjs, `--enable relaxed-simd`)
// emits f32x4.relaxed_madd, which engines lower to a fused FMA where the CPU has one (one rounding instead of
// two); the SIMD128 build keeps the separate mul + add. ASC_FEATURE_RELAXED_SIMD is a compile-time constant, so
// each build contains only its own branch.

/** a * b + c, lane-wise. */
// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
