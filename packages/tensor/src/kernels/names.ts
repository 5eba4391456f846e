/**
 * The kernel contract: the one seam between the core and the backends.
 *
 * Every kernel is a pure function `({ inputs, attrs, backend }) => TensorInfo`, or, for the few kernels
 * listed in `KernelOutputCounts` (fused optimizer updates), a tuple of that many TensorInfos. Inputs and
 * outputs are contiguous row-major tensors. Attributes are already validated and normalised by the ops layer
 * (axes non-negative and sorted, paddings explicit), so a kernel never needs to re-check them.
 */
import type { DType, Shape, TensorInfo } from '../types';

type T = TensorInfo;
type NoAttrs = Record<string, never>;

/** Padding of the two spatial axes of an NCHW image: [top, bottom, left, right]. */
export type Padding4 = readonly [number, number, number, number];
export type Pair = readonly [number, number];

export interface Conv2DAttrs {
  stride: Pair;
  padding: Padding4;
}
export interface Pool2DAttrs {
  kernelSize: Pair;
  stride: Pair;
  padding: Padding4;
}

/** Binary elementwise kernels broadcast their two inputs with NumPy rules. */
interface Binary {
  inputs: { a: T; b: T };
  attrs: NoAttrs;
}
interface Unary {
  inputs: { x: T };
  attrs: NoAttrs;
}

export interface KernelSignatures {
  // Binary, broadcasting. Output dtype = input dtype, except comparisons (float32 0/1) and Div of int32 (float32).
  Add: Binary;
  Sub: Binary;
  Mul: Binary;
  Div: Binary;
  Pow: Binary;
  Maximum: Binary;
  Minimum: Binary;
  Equal: Binary;
  Greater: Binary;
  Less: Binary;
  /** where(condition != 0, a, b), all three broadcast together. */
  Where: { inputs: { condition: T; a: T; b: T }; attrs: NoAttrs };

  // Unary.
  Neg: Unary;
  Exp: Unary;
  Log: Unary;
  Sqrt: Unary;
  Abs: Unary;
  Square: Unary;
  Relu: Unary;
  Sigmoid: Unary;
  Tanh: Unary;
  LeakyRelu: { inputs: { x: T }; attrs: { alpha: number } };
  Clip: { inputs: { x: T }; attrs: { min: number; max: number } };
  Cast: { inputs: { x: T }; attrs: { dtype: DType } };

  // Reductions over `axes` (non-empty, sorted, unique, non-negative); the reduced axes are removed.
  Sum: { inputs: { x: T }; attrs: { axes: readonly number[] } };
  Max: { inputs: { x: T }; attrs: { axes: readonly number[] } };
  Min: { inputs: { x: T }; attrs: { axes: readonly number[] } };
  /** Index of the first maximum along `axis` (removed from the shape); int32. */
  ArgMax: { inputs: { x: T }; attrs: { axis: number } };

  // Shape and data movement.
  /** Same data, new shape of the same size. A backend may return the input's dataId. */
  Reshape: { inputs: { x: T }; attrs: { shape: Shape } };
  BroadcastTo: { inputs: { x: T }; attrs: { shape: Shape } };
  Transpose: { inputs: { x: T }; attrs: { perm: readonly number[] } };
  /** begin/size fully explicit (no -1). */
  Slice: { inputs: { x: T }; attrs: { begin: readonly number[]; size: readonly number[] } };
  Concat: { inputs: { tensors: readonly T[] }; attrs: { axis: number } };
  Pad: { inputs: { x: T }; attrs: { paddings: readonly Pair[]; value: number } };
  /** Output shape: x.shape[:axis] + indices.shape + x.shape[axis+1:]. Indices are int32 and in range. */
  Gather: { inputs: { x: T; indices: T }; attrs: { axis: number } };
  /** The adjoint of Gather: sums `updates` into a zero tensor whose `axis` has length `size`. */
  ScatterAdd: { inputs: { updates: T; indices: T }; attrs: { axis: number; size: number } };
  /** float32 one-hot of int32 indices: shape indices.shape + [depth]. */
  OneHot: { inputs: { indices: T }; attrs: { depth: number } };

  // Linear algebra: a [..., M, K] @ b [..., K, N] (after the optional transposes); batch dims broadcast.
  MatMul: { inputs: { a: T; b: T }; attrs: { transposeA: boolean; transposeB: boolean } };

  // Images (NCHW). Weights [outC, inC, kH, kW].
  Conv2D: { inputs: { x: T; w: T }; attrs: Conv2DAttrs };
  Conv2DBackpropInput: { inputs: { dy: T; w: T }; attrs: Conv2DAttrs & { xShape: Shape } };
  Conv2DBackpropFilter: { inputs: { x: T; dy: T }; attrs: Conv2DAttrs & { wShape: Shape } };
  MaxPool2D: { inputs: { x: T }; attrs: Pool2DAttrs };
  /** Routes dy to the first maximum of each window of x. */
  MaxPool2DBackward: { inputs: { dy: T; x: T }; attrs: Pool2DAttrs };
  /** Averages over the full window, padding included (PyTorch's count_include_pad=True). */
  AvgPool2D: { inputs: { x: T }; attrs: Pool2DAttrs };
  AvgPool2DBackward: { inputs: { dy: T }; attrs: Pool2DAttrs & { xShape: Shape } };

  // Fused.
  /** Per-row loss of logits [N, C] against target probabilities [N, C]: -sum(target * logSoftmax(logits)) -> [N]. */
  SoftmaxCrossEntropy: { inputs: { logits: T; target: T }; attrs: NoAttrs };
  /** ReLU's vector-Jacobian product from its output: dy where y > 0, else 0 (NaN y gives 0). Same shapes. */
  ReluBackward: { inputs: { dy: T; y: T }; attrs: NoAttrs };

  // Optimizer updates: several outputs (see KernelOutputCounts), never recorded by autograd. All inputs have
  // one shape and one float dtype. float32 rounds after every operation, in the order written below (the
  // order of PyTorch 1.13's single-tensor loops), so results match the unfused ops bit for bit.
  /** -> [param', m', v']: one Adam / AdamW step, see AdamUpdateAttrs. */
  AdamUpdate: { inputs: { param: T; grad: T; m: T; v: T }; attrs: AdamUpdateAttrs };
  /** -> [param', buf']: one SGD step, see SGDUpdateAttrs. */
  SGDUpdate: { inputs: { param: T; grad: T; buf: T }; attrs: SGDUpdateAttrs };
}

/**
 * Adam (PyTorch 1.13, single tensor; scalars rounded to the dtype before use):
 * `decoupled`: p = param * (1 - lr*weightDecay), g = grad; else p = param, g = grad + param * weightDecay
 * (when weightDecay != 0). m' = m*beta1 + g*(1 - beta1), v' = v*beta2 + (g*(1 - beta2))*g; at `step` 1 the
 * moments start at zero and m, v are not read (m' = g*(1 - beta1), v' = (g*(1 - beta2))*g).
 * denom = sqrt(v') / sqrt(1 - beta2^step) + eps; param' = p + (m' * -(lr / (1 - beta1^step))) / denom.
 */
export interface AdamUpdateAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weights directly instead of adding an L2 term to the gradient. */
  decoupled: boolean;
  /** 1 on the first update (an integer >= 1): bias corrections use it. */
  step: number;
}

/**
 * SGD (PyTorch 1.13): d = grad + param*weightDecay (when weightDecay != 0). With momentum != 0:
 * buf' = firstStep ? d : buf*momentum + d*(1 - dampening) (buf not read on the first step), then
 * d = nesterov ? d + buf'*momentum : buf'. param' = param - d*lr. With momentum 0, buf' is buf unchanged
 * (a kernel may return the input's dataId).
 */
export interface SGDUpdateAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  firstStep: boolean;
}

/** How many outputs the multi-output kernels return; every kernel not listed returns one. */
export interface KernelOutputCounts {
  AdamUpdate: 3;
  SGDUpdate: 2;
}
export type MultiOutputKernelName = keyof KernelOutputCounts;
export type SingleOutputKernelName = Exclude<KernelName, MultiOutputKernelName>;

/** The same at run time (the engine's leak check and autograd read it). */
export const KERNEL_OUTPUT_COUNTS: { readonly [K in MultiOutputKernelName]: KernelOutputCounts[K] } = {
  AdamUpdate: 3,
  SGDUpdate: 2,
};

type Tuple<N extends number, Acc extends TensorInfo[] = []> = Acc['length'] extends N
  ? Readonly<Acc>
  : Tuple<N, [...Acc, TensorInfo]>;

/** What each kernel returns (a lookup, not a conditional, so generic single-output kernels type-check). */
export type KernelOutputs = {
  [K in KernelName]: K extends MultiOutputKernelName ? Tuple<KernelOutputCounts[K]> : TensorInfo;
};

/** What kernel K returns: one TensorInfo, or a tuple of `KernelOutputCounts[K]` of them. */
export type KernelOutput<K extends KernelName> = KernelOutputs[K];

/** The number of outputs of kernel `name` (1 for all but the multi-output kernels). */
export function kernelOutputCount(name: KernelName): number {
  return (KERNEL_OUTPUT_COUNTS as Partial<Record<KernelName, number>>)[name] ?? 1;
}

export type KernelName = keyof KernelSignatures;
export type KernelInputs<K extends KernelName> = KernelSignatures[K]['inputs'];
export type KernelAttrs<K extends KernelName> = KernelSignatures[K]['attrs'];

/** Every kernel name, in one list: backends, gradient rules and conformance cases are checked against it. */
export const KERNEL_NAMES = [
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Maximum',
  'Minimum',
  'Equal',
  'Greater',
  'Less',
  'Where',
  'Neg',
  'Exp',
  'Log',
  'Sqrt',
  'Abs',
  'Square',
  'Relu',
  'Sigmoid',
  'Tanh',
  'LeakyRelu',
  'Clip',
  'Cast',
  'Sum',
  'Max',
  'Min',
  'ArgMax',
  'Reshape',
  'BroadcastTo',
  'Transpose',
  'Slice',
  'Concat',
  'Pad',
  'Gather',
  'ScatterAdd',
  'OneHot',
  'MatMul',
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'MaxPool2D',
  'MaxPool2DBackward',
  'AvgPool2D',
  'AvgPool2DBackward',
  'SoftmaxCrossEntropy',
  'ReluBackward',
  'AdamUpdate',
  'SGDUpdate',
] as const satisfies readonly KernelName[];

// Compile-time check that KERNEL_NAMES lists every kernel of KernelSignatures.
type Missing = Exclude<KernelName, (typeof KERNEL_NAMES)[number]>;
const _everyKernelListed: Missing extends never ? true : Missing = true;
void _everyKernelListed;
