/** Element types. float64 is guaranteed on the reference CPU backend (for gradient checks). */
export type DType = 'float32' | 'int32' | 'float64';

/** The storage of a tensor: Float32Array, Int32Array or Float64Array. */
export type TypedArray = Float32Array | Int32Array | Float64Array;

/** Maps a dtype to the typed array that stores it. */
export interface DTypeArray {
  float32: Float32Array;
  int32: Int32Array;
  float64: Float64Array;
}

/** Shapes are read-only arrays of non-negative integers. */
export type Shape = readonly number[];

/** Nested JS arrays as returned by `toArray()` and accepted by `tensor()`. */
export type NestedArray = number | boolean | NestedArray[] | readonly NestedArray[];

/** An opaque key a backend uses for one block of storage. */
export type DataId = object;

/** What a kernel sees of a tensor: where its data is, its shape and dtype. Data is always contiguous, row-major. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: Shape;
  readonly dtype: DType;
}

/** A zeroed typed array of `size` elements for `dtype`. */
export function typedArrayFor(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'float64':
      return new Float64Array(size);
  }
}

/** Bytes one element of `dtype` takes. */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

/** The dtype a typed array stores. */
export function dtypeOfArray(values: TypedArray): DType {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array) return 'int32';
  return 'float64';
}
