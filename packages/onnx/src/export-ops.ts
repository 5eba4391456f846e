/**
 * How each @nn kernel becomes ONNX nodes (opset 13-17). Shapes baked into a node (Reshape's target, Expand's)
 * keep the batch axis symbolic where they can when `dynamicBatch` is on: Reshape copies axis 0 from its input
 * (ONNX's 0), Expand broadcasts with 1 wherever the input already has the size.
 */
import type { DType, Tensor } from '@nn/tensor';
import type { KernelName } from '@nn/tensor/backend';
import { onnxTypeOf } from './dtypes';
import { float, type GraphBuilder } from './graph-builder';
import { ONNX_BOOL, ONNX_FLOAT } from './proto';

/** What a mapping sees of one kernel call. */
export interface ExportCall {
  g: GraphBuilder;
  /** The ONNX name of input `name` (a list input: `list`). */
  input(name: string): string;
  list(name: string): string[];
  /** The @nn tensor of input `name`. */
  tensor(name: string): Tensor;
  attrs: Record<string, unknown>;
  out: string;
  output: Tensor;
  dynamicBatch: boolean;
  /** Axis 0 of the first sample input (-1 when it has none). */
  batch: number;
  /** The opset being written (13 to 17): what an operator newer than it decomposes into. */
  opset: number;
  /** An int64 [1] tensor holding the batch size of the first input, as the graph runs. */
  batchDim(): string;
}

/** Writes the ONNX nodes of one kernel call. */
export type Mapping = (c: ExportCall) => void;

export const same =
  (op: string): Mapping =>
  (c) =>
    void c.g.node(op, [c.input('x')], [c.out]);
const binary =
  (op: string): Mapping =>
  (c) =>
    void c.g.node(op, [c.input('a'), c.input('b')], [c.out]);

/** Comparisons give bool in ONNX and float32 in @nn. */
const compare =
  (op: string): Mapping =>
  (c) => {
    const b = c.g.op(op, [c.input('a'), c.input('b')]);
    c.g.node('Cast', [b], [c.out], { to: ONNX_FLOAT });
  };

const reduce =
  (op: string): Mapping =>
  (c) => {
    const axes = c.attrs.axes as number[];
    // From opset 13 ReduceSum takes its axes as an input; ReduceMax/ReduceMin do from opset 18 only.
    if (op === 'ReduceSum') c.g.node(op, [c.input('x'), c.g.int64s(axes)], [c.out], { keepdims: 0 });
    else c.g.node(op, [c.input('x')], [c.out], { axes, keepdims: 0 });
  };

/** A scalar constant of `dtype` (float64 through a Cast). */
export function scalarOf(c: ExportCall, dtype: DType, value: number): string {
  return dtype === 'int32' ? c.g.int32(value) : dtype === 'float32' ? c.g.float32(value) : castScalar(c, dtype, value);
}

function castScalar(c: ExportCall, dtype: DType, value: number): string {
  return c.g.op('Cast', [c.g.float32(value)], { to: onnxTypeOf(dtype) });
}

/** Transposes the last two axes of `name` (rank `rank`). */
export function swapLast(c: ExportCall, name: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return c.g.op('Transpose', [name], { perm });
}

const window =
  (op: string): Mapping =>
  (c) => {
    const { kernelSize, stride, padding } = c.attrs as { kernelSize: number[]; stride: number[]; padding: number[] };
    const [top, bottom, left, right] = padding;
    const attrs = { kernel_shape: kernelSize, strides: stride, pads: [top!, left!, bottom!, right!] };
    c.g.node(op, [c.input('x')], [c.out], op === 'AveragePool' ? { ...attrs, count_include_pad: 1 } : attrs);
  };

export const EXPORT_MAPPINGS: Partial<Record<KernelName, Mapping>> = {
  Add: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Div: (c) => {
    // @nn divides int32 by int32 in float32; ONNX's integer Div truncates.
    const [a, b] =
      c.tensor('a').dtype === 'int32'
        ? ['a', 'b'].map((n) => c.g.op('Cast', [c.input(n)], { to: ONNX_FLOAT }))
        : [c.input('a'), c.input('b')];
    c.g.node('Div', [a!, b!], [c.out]);
  },
  Pow: binary('Pow'),
  Maximum: binary('Max'),
  Minimum: binary('Min'),
  Equal: compare('Equal'),
  Greater: compare('Greater'),
  Less: compare('Less'),
  Where: (c) => {
    const condition = c.g.op('Cast', [c.input('condition')], { to: ONNX_BOOL });
    c.g.node('Where', [condition, c.input('a'), c.input('b')], [c.out]);
  },
  Neg: same('Neg'),
  Exp: same('Exp'),
  Log: same('Log'),
  Sqrt: same('Sqrt'),
  Abs: same('Abs'),
  Relu: same('Relu'),
  Sigmoid: same('Sigmoid'),
  Tanh: same('Tanh'),
  Square: (c) => void c.g.node('Mul', [c.input('x'), c.input('x')], [c.out]),
  LeakyRelu: (c) => void c.g.node('LeakyRelu', [c.input('x')], [c.out], { alpha: float(c.attrs.alpha as number) }),
  Clip: (c) => {
    const dtype = c.tensor('x').dtype;
    const { min, max } = c.attrs as { min: number; max: number };
    c.g.node('Clip', [c.input('x'), scalarOf(c, dtype, min), scalarOf(c, dtype, max)], [c.out]);
  },
  Cast: (c) => void c.g.node('Cast', [c.input('x')], [c.out], { to: onnxTypeOf(c.attrs.dtype as DType) }),
  Sum: reduce('ReduceSum'),
  Max: reduce('ReduceMax'),
  Min: reduce('ReduceMin'),
  ArgMax: (c) => {
    const index = c.g.op('ArgMax', [c.input('x')], { axis: c.attrs.axis as number, keepdims: 0 });
    c.g.node('Cast', [index], [c.out], { to: onnxTypeOf('int32') });
  },
  Reshape: (c) => {
    const shape = [...c.output.shape];
    const x = c.tensor('x');
    if (c.dynamicBatch && shape.length > 0 && x.rank > 0) {
      // Axis 0 kept: copy it from the input (ONNX's 0). Moved (a stack's [N, H] -> [1, N, H]): let Reshape
      // infer it (-1), when the batch size appears once in the target.
      // Merged into axis 0 ([N, 64] -> [N * 64]): infer that one.
      if (x.shape[0] === shape[0]) shape[0] = 0;
      else if (c.batch > 1 && shape.filter((d) => d === c.batch).length === 1) shape[shape.indexOf(c.batch)] = -1;
      else if (c.batch > 1 && x.shape[0] === c.batch && shape[0]! % c.batch === 0) shape[0] = -1;
    }
    c.g.node('Reshape', [c.input('x'), c.g.int64s(shape)], [c.out]);
  },
  BroadcastTo: (c) => {
    const x = c.tensor('x');
    const shape = [...c.output.shape];
    const offset = shape.length - x.rank;
    if (c.dynamicBatch) for (let i = 0; i < x.rank; i++) if (x.shape[i] === shape[offset + i]) shape[offset + i] = 1;
    if (c.dynamicBatch && offset > 0 && c.batch > 1 && shape[0] === c.batch) {
      // A new leading batch axis (a mask broadcast over the batch): its size comes from the input.
      const target = c.g.op('Concat', [c.batchDim(), c.g.int64s(shape.slice(1))], { axis: 0 });
      c.g.node('Expand', [c.input('x'), target], [c.out]);
      return;
    }
    c.g.node('Expand', [c.input('x'), c.g.int64s(shape)], [c.out]);
  },
  Transpose: (c) => void c.g.node('Transpose', [c.input('x')], [c.out], { perm: c.attrs.perm as number[] }),
  Slice: (c) => {
    const x = c.tensor('x');
    const { begin, size } = c.attrs as { begin: number[]; size: number[] };
    const axes = begin.flatMap((b, axis) => (b === 0 && size[axis] === x.shape[axis] ? [] : [axis]));
    if (axes.length === 0) {
      c.g.node('Identity', [c.input('x')], [c.out]);
      return;
    }
    const starts = c.g.int64s(axes.map((a) => begin[a]!));
    const ends = c.g.int64s(axes.map((a) => begin[a]! + size[a]!));
    c.g.node('Slice', [c.input('x'), starts, ends, c.g.int64s(axes)], [c.out]);
  },
  Concat: (c) => void c.g.node('Concat', c.list('tensors'), [c.out], { axis: c.attrs.axis as number }),
  Pad: (c) => {
    const { paddings, value } = c.attrs as { paddings: [number, number][]; value: number };
    const pads = c.g.int64s([...paddings.map((p) => p[0]), ...paddings.map((p) => p[1])]);
    c.g.node('Pad', [c.input('x'), pads, scalarOf(c, c.tensor('x').dtype, value)], [c.out], {});
  },
  Gather: (c) => void c.g.node('Gather', [c.input('x'), c.input('indices')], [c.out], { axis: c.attrs.axis as number }),
  MatMul: (c) => {
    const { transposeA, transposeB } = c.attrs as { transposeA: boolean; transposeB: boolean };
    const a = c.tensor('a');
    const b = c.tensor('b');
    if (a.rank === 2 && b.rank === 2) {
      c.g.node('Gemm', [c.input('a'), c.input('b')], [c.out], { transA: +transposeA, transB: +transposeB });
      return;
    }
    const left = transposeA ? swapLast(c, c.input('a'), a.rank) : c.input('a');
    const right = transposeB ? swapLast(c, c.input('b'), b.rank) : c.input('b');
    c.g.node('MatMul', [left, right], [c.out]);
  },
  Conv2D: (c) => {
    const { stride, padding, dilation, groups } = c.attrs as {
      stride: number[];
      padding: number[];
      dilation: number[];
      groups: number;
    };
    const [top, bottom, left, right] = padding;
    const w = c.tensor('w');
    c.g.node('Conv', [c.input('x'), c.input('w')], [c.out], {
      kernel_shape: w.shape.slice(2),
      strides: stride,
      pads: [top!, left!, bottom!, right!],
      dilations: dilation,
      group: groups,
    });
  },
  MaxPool2D: window('MaxPool'),
  AvgPool2D: window('AveragePool'),
};
