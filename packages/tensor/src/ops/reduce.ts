/**
 * Reductions: sum, mean, max, min, argmax, logsumexp, variance, std, and the running sum cumsum. `axis` may be a number, a list, or undefined (all axes). A 0-d
 * tensor takes axis 0 or -1 (PyTorch's rule) and the result is 0-d, with or without keepDims.
 */
import { engine } from '../engine';
import { DTypeError, fmtShape, ValueError } from '../errors';
import { reducedShape } from '../kernels/geometry';
import type { Tensor } from '../tensor';
import { checkOptions, describeValue, type OptionKeys } from '../util/options';
import { normalizeAxis, normalizeReduceAxes, normalizeReduceAxis } from '../util/shape';
import { add, div, equal, sub, where } from './binary';
import { assertTensor, full } from './create';
import { reshape } from './shape';
import { abs, exp, log, sqrt, square } from './unary';

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

/**
 * log(sum(exp(x))) over `axis`, computed as m + log(sum(exp(x - m))) with m the max, so nothing overflows.
 * Over an empty axis the result is -Infinity (a sum of nothing is 0), as PyTorch.
 * @example logsumexp(logits, -1)
 */
export function logsumexp(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  assertTensor('logsumexp', x);
  if (x.dtype === 'int32') throw new DTypeError(`logsumexp: needs a float tensor, got int32 ${fmtShape(x.shape)}`);
  const axes = normalizeReduceAxes('logsumexp', axis, x.rank);
  if (axes.some((a) => x.shape[a] === 0)) {
    return full(reducedShape(x.shape, axes, keepDims), Number.NEGATIVE_INFINITY, x.dtype);
  }
  return engine.tidy(() => {
    const m = max(x, axes, true);
    // An infinite max (all -Infinity, or a +Infinity) would give inf - inf = NaN: shift by 0 there instead.
    const shift = where(equal(abs(m), Number.POSITIVE_INFINITY), 0, m);
    const result = add(log(sum(exp(sub(x, shift)), axes, true)), shift);
    return keepDims ? result : reshape(result, reducedShape(x.shape, axes));
  });
}

/** Options of `variance` and `std`. */
export interface VarianceOptions {
  /** Subtracted from the count in the divisor: 1 (default) is Bessel's unbiased estimate, 0 the population variance. */
  correction?: number;
  keepDims?: boolean;
}
const VARIANCE_OPTIONS: OptionKeys<VarianceOptions> = { correction: true, keepDims: true };

/**
 * sum((x - mean)^2) / (N - correction) over `axis` (all axes by default); N <= correction gives Infinity or NaN,
 * as PyTorch. int32 inputs give float32, as `mean`.
 * @example variance(x, 0, { correction: 0 })
 */
export function variance(x: Tensor, axis?: Axis, options: VarianceOptions = {}): Tensor {
  return varianceOf('variance', x, axis, options);
}

/**
 * The square root of `variance` (same options).
 * @example std(x, [0, 1], { keepDims: true })
 */
export function std(x: Tensor, axis?: Axis, options: VarianceOptions = {}): Tensor {
  const v = varianceOf('std', x, axis, options);
  return engine.tidy(() => sqrt(v));
}

function varianceOf(op: string, x: Tensor, axis: Axis, options: VarianceOptions): Tensor {
  assertTensor(op, x);
  checkOptions(op, options, VARIANCE_OPTIONS);
  const { correction = 1, keepDims = false } = options;
  if (typeof correction !== 'number' || !Number.isFinite(correction)) {
    throw new ValueError(`${op}: correction must be a finite number, got ${describeValue(correction)}`);
  }
  const axes = normalizeReduceAxes(op, axis, x.rank);
  let count = 1;
  for (const a of axes) count *= x.shape[a]!;
  return engine.tidy(() => {
    const xf = x.dtype === 'int32' ? x.cast('float32') : x;
    const centred = sub(xf, mean(xf, axes, true));
    return div(sum(square(centred), axes, keepDims), Math.max(0, count - correction));
  });
}

/** Options of `cumsum`. */
export interface CumsumOptions {
  /** Sums from the end of the axis (out[i] = x[i] + ... + x[n-1]). */
  reverse?: boolean;
}
const CUMSUM_OPTIONS: OptionKeys<CumsumOptions> = { reverse: true };

/**
 * Running sum along `axis`: out[i] = x[0] + ... + x[i]. int32 stays int32 (and wraps).
 * @example cumsum(tensor([1, 2, 3]), 0) // [1, 3, 6]
 */
export function cumsum(x: Tensor, axis: number, options: CumsumOptions = {}): Tensor {
  assertTensor('cumsum', x);
  if (axis === undefined) throw new ValueError('cumsum: an axis is required');
  checkOptions('cumsum', options, CUMSUM_OPTIONS);
  const { reverse = false } = options;
  if (typeof reverse !== 'boolean') {
    throw new ValueError(`cumsum: reverse must be a boolean, got ${describeValue(reverse)}`);
  }
  // A 0-d tensor is its own running sum; kernels only ever see axes the tensor has.
  if (x.rank === 0) {
    normalizeReduceAxis('cumsum', axis, 0);
    return engine.runKernel('Reshape', { x }, { shape: [] });
  }
  return engine.runKernel('Cumsum', { x }, { axis: normalizeAxis('cumsum', axis, x.rank), reverse });
}
