import type { DType, TypedArray } from '../../types';
import { typedArrayFor } from '../../types';

/**
 * Kernels that accumulate (sums, GEMMs, gradient scatters) do so in float64 and store the result once in
 * the output dtype: float32 rounds a single time, int32 wraps like int32 arithmetic (ToInt32 is modular).
 */
export function fromFloat64(acc: Float64Array, dtype: DType): TypedArray {
  if (dtype === 'float64') return acc;
  const out = typedArrayFor(dtype, acc.length);
  out.set(acc);
  return out;
}
