/** Making tensors: from JS values, constants, ranges and seeded random numbers. */
import { engine } from '../engine';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors';
import { Tensor, type TensorLike } from '../tensor';
import { type DType, dtypeOfArray, type NestedArray, type TypedArray } from '../types';
import { allocate } from '../util/allocate';
import { defaultGenerator, Generator } from '../util/random';
import { assertValidShape, sizeOf } from '../util/shape';

const DTYPES: readonly DType[] = ['float32', 'int32', 'float64'];

/** Throws a ValueError naming `op` and the argument unless `x` is a Tensor. */
export function assertTensor(op: string, x: unknown, name = 'x'): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new ValueError(`${op}: ${name} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  }
}

/** Throws a DTypeError naming `op` unless `dtype` is one of 'float32', 'int32', 'float64'. */
export function assertDType(op: string, dtype: unknown): asserts dtype is DType {
  if (!DTYPES.includes(dtype as DType)) {
    throw new DTypeError(`${op}: unknown dtype '${String(dtype)}' (expected one of ${DTYPES.join(', ')})`);
  }
}

/**
 * Makes a tensor from nested arrays, a flat array or a typed array.
 * @example tensor([[1, 2], [3, 4]]); tensor([0, 2], undefined, 'int32'); tensor(new Float32Array(6), [3, 2])
 */
export function tensor(
  values: NestedArray | TypedArray | readonly number[],
  shape?: readonly number[],
  dtype?: DType,
): Tensor {
  if (dtype !== undefined) assertDType('tensor', dtype);
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (ArrayBuffer.isView(values)) {
    flat = values as TypedArray;
    inferred = [flat.length];
    dtype ??= dtypeOfArray(values as TypedArray);
  } else {
    const collected: number[] = [];
    inferred = inferShape(values, collected);
    flat = collected;
  }
  if (shape !== undefined) {
    assertValidShape('tensor', shape);
    if (sizeOf(shape) !== flat.length) {
      throw new ShapeError(
        `tensor: ${flat.length} values do not fill shape ${fmtShape(shape)} (size ${sizeOf(shape)})`,
      );
    }
  }
  const finalDType = dtype ?? 'float32';
  const data = allocate('tensor', [flat.length], finalDType);
  if (ArrayBuffer.isView(flat) && (finalDType !== 'int32' || flat instanceof Int32Array)) {
    // Same or wider-to-float copy: no per-element checks needed.
    data.set(flat as TypedArray);
    return engine.makeTensor(data, shape ?? inferred, finalDType, true);
  }
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!;
    if (finalDType === 'int32' && !Number.isInteger(v)) {
      throw new DTypeError(`tensor: int32 values must be integers, got ${v} at flat index ${i}`);
    }
    data[i] = v;
  }
  return engine.makeTensor(data, shape ?? inferred, finalDType, true);
}

function inferShape(values: NestedArray | readonly number[], into: number[]): number[] {
  if (typeof values === 'number' || typeof values === 'boolean') {
    into.push(Number(values));
    return [];
  }
  if (!Array.isArray(values)) throw new ValueError(`tensor: expected numbers or nested arrays, got ${String(values)}`);
  const shape = [values.length];
  let inner: number[] | null = null;
  for (const item of values as NestedArray[]) {
    const itemShape = inferShape(item, into);
    if (inner === null) inner = itemShape;
    else if (itemShape.length !== inner.length || itemShape.some((d, i) => d !== inner![i])) {
      throw new ShapeError(`tensor: ragged nested array: rows of shape ${fmtShape(inner)} and ${fmtShape(itemShape)}`);
    }
  }
  return inner ? shape.concat(inner) : shape;
}

/** A rank-0 tensor. */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return tensor(value, [], dtype);
}

/** Turns a number into a scalar tensor of `dtype`; passes tensors through. */
export function toTensor(op: string, value: TensorLike, dtype: DType): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== 'number') {
    throw new ValueError(`${op}: expected a Tensor or a number, got ${value === null ? 'null' : typeof value}`);
  }
  if (dtype === 'int32' && !Number.isInteger(value)) {
    throw new DTypeError(`${op}: cannot combine an int32 tensor with the non-integer ${value}; cast it first`);
  }
  return scalar(value, dtype);
}

function filled(op: string, shape: readonly number[], value: number, dtype: DType): Tensor {
  assertValidShape(op, shape);
  assertDType(op, dtype);
  const data = allocate(op, shape, dtype);
  if (value !== 0) data.fill(value);
  return engine.makeTensor(data, shape, dtype, true, op);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  return filled('full', shape, value, dtype);
}

/** A tensor of zeros: `zeros([2, 3])`. */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return filled('zeros', shape, 0, dtype);
}

/** A tensor of ones: `ones([2, 3])`. */
export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return filled('ones', shape, 1, dtype);
}

/** Zeros of `x`'s shape and dtype. */
export function zerosLike(x: Tensor): Tensor {
  return filled('zerosLike', x.shape, 0, x.dtype);
}

/** Ones of `x`'s shape and dtype. */
export function onesLike(x: Tensor): Tensor {
  return filled('onesLike', x.shape, 1, x.dtype);
}

/** The identity matrix [n, n]. */
export function eye(n: number, dtype: DType = 'float32'): Tensor {
  assertValidShape('eye', [n]);
  const data = allocate('eye', [n, n], dtype);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return engine.makeTensor(data, [n, n], dtype, true, 'eye');
}

/**
 * Evenly spaced values in [start, stop): `arange(5)` is [0..4]; `arange(1, 2, 0.25)`.
 * The dtype is int32 when every argument is an integer, float32 otherwise (like PyTorch).
 */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  for (const [name, v] of [
    ['start', start],
    ['stop', stop],
    ['step', step],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ValueError(`arange: ${name} must be a finite number, got ${v}`);
  }
  if (step === 0) throw new ValueError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const type = dtype ?? ([start, stop, step].every(Number.isInteger) ? 'int32' : 'float32');
  const data = allocate('arange', [n], type);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return engine.makeTensor(data, [n], type, true, 'arange');
}

/** Options of the random creators: a seed or a generator, and the dtype. */
export interface RandomOptions {
  /** Same seed, same numbers, on every run and backend. */
  seed?: number;
  /** Draw from this generator (its state advances) instead of the default one. */
  generator?: Generator;
  dtype?: 'float32' | 'float64';
}

function generatorFor(op: string, options: RandomOptions): Generator {
  if (options.dtype !== undefined && options.dtype !== 'float32' && options.dtype !== 'float64') {
    throw new DTypeError(`${op}: random values need a float dtype, got ${String(options.dtype)}`);
  }
  if (options.seed !== undefined) return new Generator(options.seed);
  return options.generator ?? defaultGenerator;
}

/** Uniform random numbers in [low, high) (default [0, 1)). */
export function rand(shape: readonly number[], options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  assertValidShape('rand', shape);
  const { low = 0, high = 1, dtype = 'float32' } = options;
  const generator = generatorFor('rand', options);
  const data = allocate('rand', shape, dtype);
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * generator.uniform();
  // float32 rounding can turn a value just below `high` into `high`: keep the interval half-open.
  if (dtype === 'float32') for (let i = 0; i < data.length; i++) if (data[i]! >= high) data[i] = low;
  return engine.makeTensor(data, shape, dtype, true, 'rand');
}

/** Normally distributed random numbers (mean 0, std 1 unless given). */
export function randn(shape: readonly number[], options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  assertValidShape('randn', shape);
  const { mean = 0, std = 1, dtype = 'float32' } = options;
  const generator = generatorFor('randn', options);
  const data = allocate('randn', shape, dtype);
  for (let i = 0; i < data.length; i++) data[i] = mean + std * generator.normal();
  return engine.makeTensor(data, shape, dtype, true, 'randn');
}
