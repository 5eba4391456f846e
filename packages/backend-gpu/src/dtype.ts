/** Values read back from the device (always float32) in the tensor's own dtype. */
import type { DType, TypedArray } from '@nn/tensor';

export function toDType(values: Float32Array, dtype: DType): TypedArray {
  if (dtype === 'float32') return values;
  if (dtype === 'float64') return Float64Array.from(values);
  const out = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) out[k] = Math.round(values[k]!);
  return out;
}

/** Host values as the float32 array the device stores. */
export function toFloat32(values: TypedArray): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}
