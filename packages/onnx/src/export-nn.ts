/**
 * The fused 0.2 kernels as ONNX (opset 13-17): LayerNorm (LayerNormalization from opset 17, its definition
 * before), Attention as its decomposition (MatMul, Softmax and the mask as Where/Add), the transposed
 * convolution, TopK, Cumsum and OneHot.
 */
import type { Tensor } from '@nn/tensor';
import type { KernelName } from '@nn/tensor/backend';
import { onnxTypeOf } from './dtypes';
import { type ExportCall, type Mapping, scalarOf, swapLast } from './export-ops';
import { float, tensorProto } from './graph-builder';
import { ONNX_BOOL } from './proto';

function layerNorm(c: ExportCall): void {
  const { axes, eps } = c.attrs as { axes: number; eps: number };
  const { g } = c;
  const x = c.tensor('x');
  const weight = c.tensor('weight') as Tensor | undefined;
  const bias = c.tensor('bias') as Tensor | undefined;
  if (c.opset >= 17) {
    // LayerNormalization needs a scale: ones when the module has none.
    const trailing = x.shape.slice(x.rank - axes);
    const scale =
      weight === undefined ? g.op('Expand', [scalarOf(c, x.dtype, 1), g.int64s(trailing)]) : c.input('weight');
    const inputs = bias === undefined ? [c.input('x'), scale] : [c.input('x'), scale, c.input('bias')];
    g.node('LayerNormalization', inputs, [c.out], { axis: -axes, epsilon: float(eps) });
    return;
  }
  const reduceAxes = Array.from({ length: axes }, (_, i) => x.rank - axes + i);
  const centered = g.op('Sub', [c.input('x'), g.op('ReduceMean', [c.input('x')], { axes: reduceAxes })]);
  const variance = g.op('ReduceMean', [g.op('Mul', [centered, centered])], { axes: reduceAxes });
  let y = g.op('Div', [centered, g.op('Sqrt', [g.op('Add', [variance, scalarOf(c, x.dtype, eps)])])]);
  if (weight !== undefined) y = g.op('Mul', [y, c.input('weight')]);
  if (bias !== undefined) y = g.op('Add', [y, c.input('bias')]);
  g.node('Identity', [y], [c.out]);
}

/**
 * softmax(q kᵀ · scale + mask) v. An int32 mask and the causal triangle keep where true (Where with -inf); the
 * weights are then zeroed outside what is kept, so a row whose keys are all masked out is 0 as in @nn (ONNX's
 * Softmax of all -inf is NaN). An additive float mask is added; NaN rows it makes are zeroed the same way.
 */
function attention(c: ExportCall): void {
  const { scale, causal } = c.attrs as { scale: number; causal: boolean };
  const { g } = c;
  const q = c.tensor('q');
  const k = c.tensor('k');
  const mask = c.tensor('mask') as Tensor | undefined;
  const [L, S] = [q.shape[q.rank - 2]!, k.shape[k.rank - 2]!];
  let scores = g.op('MatMul', [c.input('q'), swapLast(c, c.input('k'), k.rank)]);
  scores = g.op('Mul', [scores, scalarOf(c, q.dtype, scale)]);
  let keep: string | undefined;
  if (mask !== undefined && mask.dtype === 'int32') keep = g.op('Cast', [c.input('mask')], { to: ONNX_BOOL });
  else if (mask !== undefined) scores = g.op('Add', [scores, c.input('mask')]);
  if (causal) {
    const lower = Array.from({ length: L * S }, (_, i) => i % S <= Math.floor(i / S));
    const triangle = g.bools(lower, [L, S]);
    keep = keep === undefined ? triangle : g.op('And', [keep, triangle]);
  }
  const minusInf = scalarOf(c, q.dtype, Number.NEGATIVE_INFINITY);
  const zero = scalarOf(c, q.dtype, 0);
  if (keep !== undefined) scores = g.op('Where', [keep, scores, minusInf]);
  let weights = g.op('Softmax', [scores], { axis: -1 });
  if (keep !== undefined) weights = g.op('Where', [keep, weights, zero]);
  else if (mask !== undefined) weights = g.op('Where', [g.op('IsNaN', [weights]), zero, weights]);
  g.node('MatMul', [weights, c.input('v')], [c.out]);
}

/** Conv2DBackpropInput is the transposed convolution; the output size it was asked for gives output_padding. */
function convTranspose(c: ExportCall): void {
  const { stride, padding, dilation, groups, xShape } = c.attrs as {
    stride: number[];
    padding: number[];
    dilation: number[];
    groups: number;
    xShape: number[];
  };
  const [top, bottom, left, right] = padding as [number, number, number, number];
  const dy = c.tensor('dy');
  const kernel = c.tensor('w').shape.slice(2);
  const pads = [
    [top, bottom],
    [left, right],
  ] as const;
  const outputPadding = [0, 1].map(
    (a) =>
      xShape[2 + a]! -
      ((dy.shape[2 + a]! - 1) * stride[a]! - pads[a]![0] - pads[a]![1] + dilation[a]! * (kernel[a]! - 1) + 1),
  );
  c.g.node('ConvTranspose', [c.input('dy'), c.input('w')], [c.out], {
    kernel_shape: kernel,
    strides: stride,
    pads: [top, left, bottom, right],
    dilations: dilation,
    group: groups,
    output_padding: outputPadding,
  });
}

export const NN_MAPPINGS: Partial<Record<KernelName, Mapping>> = {
  LayerNorm: layerNorm,
  Attention: attention,
  Conv2DBackpropInput: convTranspose,
  TopK: (c) => {
    const { k, largest } = c.attrs as { k: number; largest: boolean };
    const outs = [c.g.fresh('TopK_values'), c.g.fresh('TopK_indices')];
    c.g.node('TopK', [c.input('x'), c.g.int64s([k])], outs, { axis: -1, largest: +largest, sorted: 1 });
    c.g.node('Cast', [outs[1]!], [c.out], { to: onnxTypeOf('int32') });
  },
  Cumsum: (c) => {
    const { axis, reverse } = c.attrs as { axis: number; reverse: boolean };
    c.g.node('CumSum', [c.input('x'), c.g.int64s([axis], [])], [c.out], { reverse: +reverse });
  },
  OneHot: (c) => {
    // ONNX Runtime has OneHot for int32 indices with an int32 depth and float values.
    const depth = c.g.int32(c.attrs.depth as number);
    const values = c.g.fresh('const');
    c.g.initializers.push(tensorProto(values, [2], 'float32', Float32Array.of(0, 1)));
    c.g.node('OneHot', [c.input('indices'), depth, values], [c.out], { axis: -1 });
  },
};
