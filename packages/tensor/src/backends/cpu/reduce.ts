/**
 * Reductions. The input is walked once in memory order; the output index of each innermost run comes from
 * strides that are 0 on the reduced axes, so no transpose is ever materialised.
 */
import { type Backend, type KernelFn, outputInfo } from '../../backend/interface';
import type { TensorMeta } from '../../kernels/spec';
import { type TensorInfo, type TypedArray, typedArrayFor } from '../../types';
import { sizeOf, stridesOf } from '../../util/shape';
import { fromFloat64 } from './convert';
import { collapseAxes, forEachRun } from './strided';

enum Op {
  Sum,
  Max,
  Min,
}

const INITIAL: Record<Op, number> = {
  [Op.Sum]: 0,
  [Op.Max]: Number.NEGATIVE_INFINITY,
  [Op.Min]: Number.POSITIVE_INFINITY,
};

/**
 * Folds x[xi + i] for i < n into acc. With oStep 0 (reduced innermost axis) everything lands in acc[o];
 * with oStep 1 (kept innermost axis) element i lands in acc[o + i]. Max/Min propagate NaN like torch.
 */
function runReduce(op: Op, x: TypedArray, xi: number, acc: Float64Array, o: number, oStep: number, n: number): void {
  const end = xi + n;
  if (oStep === 0) {
    let r = acc[o]!;
    switch (op) {
      case Op.Sum:
        for (; xi < end; xi++) r += x[xi]!;
        break;
      case Op.Max:
        for (; xi < end; xi++) {
          const v = x[xi]!;
          if (v > r || Number.isNaN(v)) r = v;
          if (Number.isNaN(r)) break;
        }
        break;
      case Op.Min:
        for (; xi < end; xi++) {
          const v = x[xi]!;
          if (v < r || Number.isNaN(v)) r = v;
          if (Number.isNaN(r)) break;
        }
        break;
    }
    acc[o] = r;
    return;
  }
  switch (op) {
    case Op.Sum:
      for (; xi < end; xi++, o++) acc[o] = acc[o]! + x[xi]!;
      return;
    case Op.Max:
      for (; xi < end; xi++, o++) {
        const v = x[xi]!;
        if (v > acc[o]! || Number.isNaN(v)) acc[o] = v;
      }
      return;
    case Op.Min:
      for (; xi < end; xi++, o++) {
        const v = x[xi]!;
        if (v < acc[o]! || Number.isNaN(v)) acc[o] = v;
      }
      return;
  }
}

function reduce(backend: Backend, op: Op, x: TensorInfo, axes: readonly number[], { shape }: TensorMeta): TensorInfo {
  const values = backend.readSync(x.dataId);
  // Accumulate in float64 whatever the dtype: float32 sums lose less, int32 sums wrap once at the end.
  const acc = new Float64Array(sizeOf(shape)).fill(INITIAL[op]);
  if (values.length > 0) {
    const outStrides = stridesOf(shape);
    let k = 0;
    const strides = x.shape.map((_, axis) => (axes.includes(axis) ? 0 : outStrides[k++]!));
    // Walk the input in memory order: its own strides are contiguous, the output's are 0 on reduced axes.
    const layout = collapseAxes(x.shape, [strides, stridesOf(x.shape)]);
    const last = layout.shape.length - 1;
    const oStep = layout.strides[0]![last] ?? 0;
    forEachRun(layout, (offsets, xi, n) => runReduce(op, values, xi, acc, offsets[0]!, oStep, n));
  }
  return outputInfo(backend, fromFloat64(acc, x.dtype), shape, x.dtype);
}

/** Index of the first maximum along `axis`; a NaN counts as the maximum (its first occurrence wins), as in torch. */
const argMax: KernelFn<'ArgMax'> = ({ inputs: { x }, attrs: { axis }, outputs: [{ shape }], backend }) => {
  const values = backend.readSync(x.dataId);
  const outer = sizeOf(x.shape.slice(0, axis));
  const length = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const out = new Int32Array(outer * inner);
  const best = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    const result = o * inner;
    if (length > 0) best.set(values.subarray(base, base + inner));
    // k outside, j inside: the input is read in memory order even when inner > 1.
    for (let k = 1; k < length; k++) {
      const row = base + k * inner;
      for (let j = 0; j < inner; j++) {
        const v = values[row + j]!;
        const b = best[j]!;
        if (v > b || (Number.isNaN(v) && !Number.isNaN(b))) {
          best[j] = v;
          out[result + j] = k;
        }
      }
    }
  }
  return outputInfo(backend, out, shape, 'int32');
};

/**
 * Running sums along `axis`, accumulated in float64 (float32 inputs lose nothing more than one rounding per
 * output); for each outer index the inner positions advance together, so the input is read in memory order.
 */
const cumsum: KernelFn<'Cumsum'> = ({ inputs: { x }, attrs: { axis, reverse }, backend }) => {
  const values = backend.readSync(x.dataId);
  const outer = sizeOf(x.shape.slice(0, axis));
  const length = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const out = typedArrayFor(x.dtype, values.length);
  const acc = new Float64Array(inner);
  const isInt = x.dtype === 'int32';
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let step = 0; step < length; step++) {
      const row = (o * length + (reverse ? length - 1 - step : step)) * inner;
      for (let j = 0; j < inner; j++) {
        // int32 sums wrap like int32 arithmetic (exact in float64 until 2^53, then |0 wraps).
        const v = isInt ? (acc[j]! + values[row + j]!) | 0 : acc[j]! + values[row + j]!;
        acc[j] = v;
        out[row + j] = v;
      }
    }
  }
  return outputInfo(backend, out, x.shape, x.dtype);
};

function reduceKernel<K extends 'Sum' | 'Max' | 'Min'>(op: Op): KernelFn<K> {
  return ({ inputs: { x }, attrs: { axes }, outputs: [output], backend }) => reduce(backend, op, x, axes, output);
}

export const reduceKernels = {
  Sum: reduceKernel<'Sum'>(Op.Sum),
  Max: reduceKernel<'Max'>(Op.Max),
  Min: reduceKernel<'Min'>(Op.Min),
  ArgMax: argMax,
  Cumsum: cumsum,
};
