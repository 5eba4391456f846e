/**
 * ONNX operators run with @nn ops: elementwise, shape and indexing ones. Every value is an @nn tensor; ONNX's
 * int64 and bool values are int32 tensors (shape arithmetic such as Shape -> Gather -> Concat -> Reshape runs on
 * them like any other op, and is read back where a shape is needed).
 */

import type { Tensor } from '@nn/tensor';
import * as nn from '@nn/tensor';
import { type Attributes, readTensor } from './parse';
import { ONNX_BOOL, ONNX_DOUBLE, ONNX_FLOAT } from './proto';

/** One ONNX operator: `check` refuses unsupported attributes at load time, `run` computes the outputs. */
export interface OnnxOp {
  check?(attrs: Attributes): void;
  run(inputs: readonly (Tensor | undefined)[], attrs: Attributes): Tensor[];
}

/** The input at `i`, which the operator requires. */
export function need(inputs: readonly (Tensor | undefined)[], i: number, attrs: Attributes): Tensor {
  const t = inputs[i];
  if (t === undefined) throw attrs.error(`input ${i} is required`);
  return t;
}

/** An int tensor's values (axes, shapes, pads). */
export function ints(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/** A negative axis counted from the end. */
export function axisOf(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

const unary = (fn: (x: Tensor) => Tensor): OnnxOp => ({ run: (inputs, a) => [fn(need(inputs, 0, a))] });

/** Variadic Add/Sum-like ops fold left; ONNX ints divide with truncation. */
const binary = (fn: (a: Tensor, b: Tensor) => Tensor): OnnxOp => ({
  run: (inputs, a) => [inputs.slice(1).reduce<Tensor>((acc, t) => fn(acc, t!), need(inputs, 0, a))],
});

/** A bool as @nn holds it: int32 0/1. */
function bool(t: Tensor): Tensor {
  return t.cast('int32');
}

function castTo(x: Tensor, to: number): Tensor {
  if (to === ONNX_FLOAT) return x.cast('float32');
  if (to === ONNX_DOUBLE) return x.cast('float64');
  if (to === ONNX_BOOL) return nn.sub(1, nn.equal(x, 0)).cast('int32');
  return x.cast('int32');
}

function reshape(x: Tensor, shape: number[], allowZero: boolean): Tensor {
  const target = shape.map((d, i) => (d === 0 && !allowZero ? x.shape[i]! : d));
  return x.reshape(target);
}

/** ONNX Slice (steps of 1): starts/ends clamped to each axis, as the spec says. */
function onnxSlice(x: Tensor, starts: number[], ends: number[], axes: number[] | undefined, a: Attributes): Tensor {
  const begin = x.shape.map(() => 0);
  const size = [...x.shape];
  (axes ?? starts.map((_, i) => i)).forEach((axis0, i) => {
    const axis = axisOf(axis0, x.rank);
    const dim = x.shape[axis]!;
    const clamp = (v: number) => Math.min(dim, Math.max(0, v < 0 ? v + dim : v));
    const s = clamp(starts[i]!);
    const e = clamp(ends[i]!);
    if (axis < 0 || axis >= x.rank) throw a.error(`axis ${axis0} is out of range for ${nn.fmtShape(x.shape)}`);
    begin[axis] = s;
    size[axis] = Math.max(0, e - s);
  });
  return x.slice(begin, size);
}

function unsqueeze(x: Tensor, axes: number[]): Tensor {
  const rank = x.rank + axes.length;
  const normalized = axes.map((axis) => axisOf(axis, rank)).sort((p, q) => p - q);
  const shape = [...x.shape];
  for (const axis of normalized) shape.splice(axis, 0, 1);
  return x.reshape(shape);
}

type Reduce = (x: Tensor, axes: number[] | undefined, keepDims: boolean) => Tensor;

function reduction(reduce: Reduce, axesFromInput: boolean): OnnxOp {
  return {
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      const given = axesFromInput ? (inputs[1] === undefined ? undefined : ints(inputs[1])) : a.ints('axes');
      const keep = a.int('keepdims', 1) === 1;
      if ((given === undefined || given.length === 0) && a.int('noop_with_empty_axes', 0) === 1) return [x];
      const axes = given === undefined || given.length === 0 ? undefined : given.map((v) => axisOf(v, x.rank));
      return [reduce(x, axes, keep)];
    },
  };
}

export const BASIC_OPS: Record<string, OnnxOp> = {
  Identity: unary((x) => x),
  Dropout: { run: (inputs, a) => [need(inputs, 0, a)] },
  Add: binary(nn.add),
  Sub: binary(nn.sub),
  Mul: binary(nn.mul),
  Div: binary((p, q) => (p.dtype === 'int32' && q.dtype === 'int32' ? nn.div(p, q).cast('int32') : nn.div(p, q))),
  Pow: binary(nn.pow),
  Max: binary(nn.maximum),
  Min: binary(nn.minimum),
  Sum: binary(nn.add),
  Equal: binary((p, q) => bool(nn.equal(p, q))),
  Greater: binary((p, q) => bool(nn.greater(p, q))),
  Less: binary((p, q) => bool(nn.less(p, q))),
  Not: unary((x) => bool(nn.equal(x, 0))),
  Where: { run: (inputs, a) => [nn.where(need(inputs, 0, a), need(inputs, 1, a), need(inputs, 2, a))] },
  Neg: unary((x) => x.neg()),
  Exp: unary((x) => x.exp()),
  Log: unary((x) => x.log()),
  Sqrt: unary((x) => x.sqrt()),
  Abs: unary((x) => x.abs()),
  Reciprocal: unary((x) => nn.div(1, x)),
  Relu: unary((x) => x.relu()),
  Sigmoid: unary((x) => x.sigmoid()),
  Tanh: unary((x) => x.tanh()),
  LeakyRelu: { run: (inputs, a) => [need(inputs, 0, a).leakyRelu(a.float('alpha', 0.01))] },
  Clip: {
    run: (inputs, a) => {
      let x = need(inputs, 0, a);
      if (inputs[1] !== undefined) x = nn.maximum(x, inputs[1]);
      if (inputs[2] !== undefined) x = nn.minimum(x, inputs[2]);
      return [x];
    },
  },
  Cast: { run: (inputs, a) => [castTo(need(inputs, 0, a), a.int('to', ONNX_FLOAT))] },
  Constant: {
    check: (a) => {
      if (
        !a.has('value') &&
        !a.has('value_float') &&
        !a.has('value_floats') &&
        !a.has('value_int') &&
        !a.has('value_ints')
      ) {
        throw a.error('only value, value_float(s) and value_int(s) constants are supported');
      }
    },
    run: (_, a) => {
      const t = a.tensor('value');
      if (t !== undefined) {
        const host = readTensor(t, `node ${a.index}'s value`);
        return [nn.tensor(host.values, host.shape, host.dtype)];
      }
      if (a.has('value_float')) return [nn.scalar(a.float('value_float', 0))];
      if (a.has('value_int')) return [nn.scalar(a.int('value_int', 0), 'int32')];
      const list = a.ints('value_ints');
      return [list !== undefined ? nn.tensor(list, [list.length], 'int32') : nn.tensor([], [0])];
    },
  },
  ConstantOfShape: {
    run: (inputs, a) => {
      const shape = ints(need(inputs, 0, a));
      const t = a.tensor('value');
      const host = t === undefined ? undefined : readTensor(t, `node ${a.index}'s value`);
      return [nn.full(shape, host?.values[0] ?? 0, host?.dtype ?? 'float32')];
    },
  },
  Shape: {
    run: (inputs, a) => {
      const shape = need(inputs, 0, a).shape;
      const start = axisOf(a.int('start', 0), shape.length);
      const end = a.has('end') ? axisOf(a.int('end', 0), shape.length) : shape.length;
      const dims = shape.slice(Math.max(0, start), Math.max(0, end));
      return [nn.tensor(dims, [dims.length], 'int32')];
    },
  },
  Reshape: {
    run: (inputs, a) => [reshape(need(inputs, 0, a), ints(need(inputs, 1, a)), a.int('allowzero', 0) === 1)],
  },
  Flatten: {
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      const axis = axisOf(a.int('axis', 1), x.rank);
      const outer = x.shape.slice(0, axis).reduce((p, q) => p * q, 1);
      return [x.reshape([outer, -1])];
    },
  },
  Transpose: {
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      return [x.transpose(a.ints('perm') ?? x.shape.map((_, i) => x.rank - 1 - i))];
    },
  },
  Squeeze: {
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      const axes = inputs[1] === undefined ? undefined : ints(inputs[1]).map((v) => axisOf(v, x.rank));
      return [nn.squeeze(x, axes)];
    },
  },
  Unsqueeze: { run: (inputs, a) => [unsqueeze(need(inputs, 0, a), ints(need(inputs, 1, a)))] },
  Concat: {
    run: (inputs, a) => {
      const list = inputs.filter((t): t is Tensor => t !== undefined);
      return [nn.concat(list, axisOf(a.int('axis', 0), list[0]?.rank ?? 1))];
    },
  },
  Slice: {
    run: (inputs, a) => {
      if (inputs[4] !== undefined && ints(inputs[4]).some((s) => s !== 1))
        throw a.error('only steps of 1 are supported');
      const axes = inputs[3] === undefined ? undefined : ints(inputs[3]);
      return [onnxSlice(need(inputs, 0, a), ints(need(inputs, 1, a)), ints(need(inputs, 2, a)), axes, a)];
    },
  },
  Gather: {
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      const axis = axisOf(a.int('axis', 0), x.rank);
      const indices = need(inputs, 1, a);
      // Negative indices count from the end of the axis.
      const wrapped = nn.where(nn.less(indices, 0), indices.add(x.shape[axis]!), indices);
      return [
        nn
          .gather(x, wrapped.reshape([-1]), axis)
          .reshape([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)]),
      ];
    },
  },
  Expand: {
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      const shape = ints(need(inputs, 1, a));
      const rank = Math.max(shape.length, x.rank);
      const target = Array.from({ length: rank }, (_, i) => {
        const s = shape[i - (rank - shape.length)] ?? 1;
        const d = x.shape[i - (rank - x.rank)] ?? 1;
        return s === 1 ? d : s;
      });
      return [nn.broadcastTo(x, target)];
    },
  },
  Pad: {
    check: (a) => {
      if (a.string('mode', 'constant') !== 'constant') throw a.error('only constant padding is supported');
    },
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      const pads = ints(need(inputs, 1, a));
      const value = inputs[2] === undefined ? 0 : inputs[2].dataSync()[0]!;
      return [
        nn.pad(
          x,
          x.shape.map((_, i) => [pads[i]!, pads[i + x.rank]!] as const),
          value,
        ),
      ];
    },
  },
  ReduceSum: reduction(nn.sum, true),
  ReduceMean: reduction(nn.mean, false),
  ReduceMax: reduction(nn.max, false),
  ReduceMin: reduction(nn.min, false),
  ArgMax: {
    check: (a) => {
      if (a.int('select_last_index', 0) !== 0) throw a.error('select_last_index is not supported');
    },
    run: (inputs, a) => {
      const x = need(inputs, 0, a);
      const axis = axisOf(a.int('axis', 0), x.rank);
      const index = nn.argmax(x, axis);
      return [a.int('keepdims', 1) === 1 ? unsqueeze(index, [axis]) : index];
    },
  },
};
