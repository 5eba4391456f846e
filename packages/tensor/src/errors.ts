/**
 * Every error `@nn` throws is an NNError. Messages name the op and show the offending shapes/values,
 * e.g. `matmul: inner dimensions differ: [2,3] @ [4,5]`.
 */
export class NNError extends Error {
  override name = 'NNError';
}

/** Shapes that do not fit together: broadcasting, matmul, reshape, concat, conv... */
export class ShapeError extends NNError {
  override name = 'ShapeError';
}

/** Mixed or unsupported dtypes: `add: dtypes differ: float32 and int32`. */
export class DTypeError extends NNError {
  override name = 'DTypeError';
}

/** Bytes that are not what they claim to be: IDX, safetensors, PNG/JPEG, model.json. */
export class FormatError extends NNError {
  override name = 'FormatError';
}

/** A bad argument value: an axis out of range, a negative or non-integer size, an unknown option. */
export class ValueError extends NNError {
  override name = 'ValueError';
}

/** An index out of range: `gather`, `oneHot`, `slice`. */
export class IndexError extends NNError {
  override name = 'IndexError';
}

/** A tensor used after `dispose()`, or a backend/kernel that does not exist. */
export class StateError extends NNError {
  override name = 'StateError';
}

/** Formats a shape the way every message shows it: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Memory that cannot be had: `zeros: cannot allocate [1000000,1000000] float32 (4000000000000 bytes)`. */
export class AllocationError extends NNError {
  override name = 'AllocationError';
}
