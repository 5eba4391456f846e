/** Binary elementwise ops: arithmetic and comparisons, broadcasting like NumPy; numbers are accepted for tensors. */
import { engine } from '../engine';
import { Tensor, type TensorLike } from '../tensor';
import type { DType } from '../types';
import { assertTensor, toTensor } from './create';

type BinaryKernel = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow' | 'Maximum' | 'Minimum' | 'Equal' | 'Greater' | 'Less';

/** A number next to a tensor takes the tensor's dtype (`x.mul(2)` on int32 stays int32). */
function dtypeHint(a: TensorLike, b: TensorLike): DType {
  if (a instanceof Tensor) return a.dtype;
  if (b instanceof Tensor) return b.dtype;
  return 'float32';
}

function binary(op: string, kernel: BinaryKernel, a: TensorLike, b: TensorLike): Tensor {
  const hint = dtypeHint(a, b);
  return engine.runKernel(kernel, { a: toTensor(op, a, hint), b: toTensor(op, b, hint) }, {});
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
/** The larger of a and b, elementwise (broadcasting). */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary('maximum', 'Maximum', a, b);
/** The smaller of a and b, elementwise (broadcasting). */
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
  return engine.runKernel('Where', { condition, a: toTensor('where', a, hint), b: toTensor('where', b, hint) }, {});
}
