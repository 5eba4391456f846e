/** Elementwise ops: arithmetic, comparisons, unary math and activations. Binary ops broadcast like NumPy. */
import { engine } from '../engine';
import { DTypeError, fmtShape, ValueError } from '../errors';
import type { KernelName } from '../kernels/names';
import { Tensor, type TensorLike } from '../tensor';
import type { DType } from '../types';
import { broadcastShapes } from '../util/shape';
import { assertDType, toTensor } from './create';

type BinaryKernel = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow' | 'Maximum' | 'Minimum' | 'Equal' | 'Greater' | 'Less';

export function assertTensor(op: string, x: unknown, name = 'x'): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new ValueError(`${op}: ${name} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  }
}

function sameDType(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(`${op}: dtypes differ: ${a.dtype} ${fmtShape(a.shape)} and ${b.dtype} ${fmtShape(b.shape)}`);
  }
}

function dtypeHint(a: TensorLike, b: TensorLike): DType {
  if (a instanceof Tensor) return a.dtype;
  if (b instanceof Tensor) return b.dtype;
  return 'float32';
}

function binary(op: string, kernel: BinaryKernel, a: TensorLike, b: TensorLike): Tensor {
  const hint = dtypeHint(a, b);
  const ta = toTensor(op, a, hint);
  const tb = toTensor(op, b, hint);
  sameDType(op, ta, tb);
  broadcastShapes(op, ta.shape, tb.shape);
  return engine.runKernel(kernel, { a: ta, b: tb }, {});
}

/** a + b */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary('add', 'Add', a, b);
/** a - b */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('sub', 'Sub', a, b);
/** a * b */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary('mul', 'Mul', a, b);
/** a / b (true division: int32 / int32 gives float32, like PyTorch). */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary('div', 'Div', a, b);
/** a ** b */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary('pow', 'Pow', a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary('maximum', 'Maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary('minimum', 'Minimum', a, b);
/** 1 where a == b, else 0 (float32). */
export const equal = (a: TensorLike, b: TensorLike): Tensor => binary('equal', 'Equal', a, b);
/** 1 where a > b, else 0 (float32). */
export const greater = (a: TensorLike, b: TensorLike): Tensor => binary('greater', 'Greater', a, b);
/** 1 where a < b, else 0 (float32). */
export const less = (a: TensorLike, b: TensorLike): Tensor => binary('less', 'Less', a, b);

/** Picks `a` where `condition` is non-zero, else `b`; all three broadcast. */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  assertTensor('where', condition, 'condition');
  const hint = dtypeHint(a, b);
  const ta = toTensor('where', a, hint);
  const tb = toTensor('where', b, hint);
  sameDType('where', ta, tb);
  broadcastShapes('where', condition.shape, ta.shape, tb.shape);
  return engine.runKernel('Where', { condition, a: ta, b: tb }, {});
}

type UnaryKernel = Extract<KernelName, 'Neg' | 'Exp' | 'Log' | 'Sqrt' | 'Abs' | 'Square' | 'Relu' | 'Sigmoid' | 'Tanh'>;

function unary(op: string, kernel: UnaryKernel, x: Tensor, floatOnly = false): Tensor {
  assertTensor(op, x);
  if (floatOnly && x.dtype === 'int32') {
    throw new DTypeError(`${op}: needs a float tensor, got int32 ${fmtShape(x.shape)}; cast it first`);
  }
  return engine.runKernel(kernel, { x }, {});
}

export const neg = (x: Tensor): Tensor => unary('neg', 'Neg', x);
export const exp = (x: Tensor): Tensor => unary('exp', 'Exp', x, true);
/** Natural logarithm. */
export const log = (x: Tensor): Tensor => unary('log', 'Log', x, true);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', 'Sqrt', x, true);
export const abs = (x: Tensor): Tensor => unary('abs', 'Abs', x);
export const square = (x: Tensor): Tensor => unary('square', 'Square', x);
export const relu = (x: Tensor): Tensor => unary('relu', 'Relu', x);
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', 'Sigmoid', x, true);
export const tanh = (x: Tensor): Tensor => unary('tanh', 'Tanh', x, true);

/** x where x > 0, alpha * x elsewhere. */
export function leakyRelu(x: Tensor, alpha = 0.01): Tensor {
  assertTensor('leakyRelu', x);
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
    throw new ValueError(`leakyRelu: alpha must be a finite number, got ${alpha}`);
  }
  return engine.runKernel('LeakyRelu', { x }, { alpha });
}

/** Limits every value to [min, max]. */
export function clip(x: Tensor, min: number, max: number): Tensor {
  assertTensor('clip', x);
  if (typeof min !== 'number' || typeof max !== 'number' || Number.isNaN(min) || Number.isNaN(max) || min > max) {
    throw new ValueError(`clip: need numbers with min <= max, got min=${min}, max=${max}`);
  }
  return engine.runKernel('Clip', { x }, { min, max });
}

/** Converts to another dtype (float -> int32 truncates toward zero). */
export function cast(x: Tensor, dtype: DType): Tensor {
  assertTensor('cast', x);
  assertDType('cast', dtype);
  if (x.dtype === dtype) return clone(x);
  return engine.runKernel('Cast', { x }, { dtype });
}

/** A new tensor with the same values (shares nothing observable: tensors are immutable). */
export function clone(x: Tensor): Tensor {
  assertTensor('clone', x);
  return engine.runKernel('Reshape', { x }, { shape: x.shape });
}
