/**
 * Unary ops. The plain ones (neg, exp, relu, clip, ...) are declared by their entries in the unary kernel table
 * and re-exported from there; the ones with more to them are written here.
 */
import { engine } from '../engine';
import { type GeluOptions, geluTanhOf } from '../kernels/gelu-options';
import type { Tensor } from '../tensor';
import type { DType } from '../types';
import { assertDType, assertTensor } from './create';

export * from '../kernels/unary';

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

/**
 * The same values cut from the tape: gradients do not flow through the result (`torch.Tensor.detach`).
 * @example const target = detach(model.forward(x)); // a constant for autograd
 */
export function detach(x: Tensor): Tensor {
  assertTensor('detach', x);
  return engine.withoutRecording(() => engine.runKernel('Reshape', { x }, { shape: x.shape }));
}

/**
 * ReLU's gradient from its output: `dy` where `y > 0`, else 0 (`where(greater(y, 0), dy, 0)` in one pass).
 * @example reluBackward(dy, relu(x))
 */
export function reluBackward(dy: Tensor, y: Tensor): Tensor {
  return engine.runKernel('ReluBackward', { dy, y }, {});
}

/**
 * GELU's gradient from its input: `dy * gelu'(x)` in one pass, where gelu'(x) = Phi(x) + x phi(x) (with
 * `{ approximate: 'tanh' }`, the derivative of PyTorch's tanh form). `gelu`'s gradient rule runs it.
 * @example geluBackward(dy, x) // = dy * (0.5 * (1 + erf(x / sqrt(2))) + x * exp(-x * x / 2) / sqrt(2 * pi))
 */
export function geluBackward(dy: Tensor, x: Tensor, options: GeluOptions = {}): Tensor {
  assertTensor('geluBackward', dy, 'dy');
  assertTensor('geluBackward', x, 'x');
  return engine.runKernel('GeluBackward', { dy, x }, { tanh: geluTanhOf('geluBackward', options) });
}
