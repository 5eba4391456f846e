/**
 * Reductions: sum, mean, max, min, argmax. `axis` may be a number, a list, or undefined (all axes). A 0-d
 * tensor takes axis 0 or -1 (PyTorch's rule) and the result is 0-d, with or without keepDims.
 */
import { engine } from '../engine';
import { fmtShape, ValueError } from '../errors';
import { reducedShape } from '../kernels/geometry';
import type { Tensor } from '../tensor';
import { normalizeReduceAxes, normalizeReduceAxis } from '../util/shape';
import { div } from './binary';
import { assertTensor } from './create';
import { reshape } from './shape';

type Axis = number | readonly number[] | undefined;

function reduce(op: string, kernel: 'Sum' | 'Max' | 'Min', x: Tensor, axis: Axis, keepDims: boolean): Tensor {
  assertTensor(op, x);
  const axes = normalizeReduceAxes(op, axis, x.rank);
  if ((kernel === 'Max' || kernel === 'Min') && axes.some((a) => x.shape[a] === 0)) {
    throw new ValueError(`${op}: cannot reduce over an empty axis of ${fmtShape(x.shape)}`);
  }
  const out =
    axes.length === 0
      ? engine.runKernel('Reshape', { x }, { shape: x.shape })
      : engine.runKernel(kernel, { x }, { axes });
  return keepDims ? reshape(out, reducedShape(x.shape, axes, true)) : out;
}

/** Sum over `axis` (all axes by default). */
export function sum(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  return reduce('sum', 'Sum', x, axis, keepDims);
}

/** Mean over `axis` (all axes by default). */
export function mean(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  assertTensor('mean', x);
  const axes = normalizeReduceAxes('mean', axis, x.rank);
  let count = 1;
  for (const a of axes) count *= x.shape[a]!;
  return engine.tidy(() => {
    const total = sum(x.dtype === 'int32' ? x.cast('float32') : x, axes, keepDims);
    return div(total, count);
  });
}

/** Largest value over `axis`. */
export function max(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  return reduce('max', 'Max', x, axis, keepDims);
}

/** Smallest value over `axis`. */
export function min(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  return reduce('min', 'Min', x, axis, keepDims);
}

/** Index of the largest value along `axis` (the first one on ties), as int32. */
export function argmax(x: Tensor, axis: number): Tensor {
  assertTensor('argmax', x);
  if (axis === undefined) throw new ValueError('argmax: an axis is required');
  const a = normalizeReduceAxis('argmax', axis, x.rank);
  // A 0-d tensor is one value along one axis: kernels only ever see axes the tensor has.
  if (a === null) return engine.tidy(() => engine.runKernel('ArgMax', { x: reshape(x, [1]) }, { axis: 0 }));
  if (x.shape[a] === 0) throw new ValueError(`argmax: axis ${axis} of ${fmtShape(x.shape)} is empty`);
  return engine.runKernel('ArgMax', { x }, { axis: a });
}
