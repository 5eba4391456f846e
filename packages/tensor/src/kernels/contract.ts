/**
 * The kernel contract: the one seam between the core and the backends. Every kernel is specified once, in the
 * file of its family (binary, unary, reduce, shape, indexing, matmul, conv, pool, softmax, optim, normalization,
 * attention, selection, recurrent); this module
 * joins them and derives the types every other part is checked against: the kernel names, each kernel's inputs,
 * attributes and outputs.
 *
 * A kernel is a pure function `({ inputs, attrs, outputs, backend }) => TensorInfo` (or a tuple of them for the
 * fused optimizer updates). Inputs and outputs are contiguous row-major tensors. Attributes arrive validated and
 * normalised by the op (axes non-negative and sorted, paddings explicit); `outputs` are the shapes and dtypes the
 * spec inferred, which the kernel must produce.
 */
import type { TensorInfo } from '../types';
import attention from './attention';
import binary from './binary';
import conv from './conv';
import indexing from './indexing';
import matmul from './matmul';
import normalization from './normalization';
import optim from './optim';
import pool from './pool';
import recurrent from './recurrent';
import reduce from './reduce';
import selection from './selection';
import shape from './shape';
import softmax from './softmax';
import type { InputsOf, KernelSpec, OutputMetas, TensorMeta } from './spec';
import unary from './unary';

const definitions = {
  ...binary,
  ...unary,
  ...reduce,
  ...shape,
  ...indexing,
  ...matmul,
  ...conv,
  ...pool,
  ...softmax,
  ...optim,
  ...normalization,
  ...attention,
  ...selection,
  ...recurrent,
};
type Definitions = typeof definitions;

/** The name of every kernel of the spec. */
export type KernelName = keyof Definitions;
/** What kernel K takes besides its inputs. */
export type KernelAttrs<K extends KernelName> = Parameters<Definitions[K]['infer']>[1];
/** How many outputs kernel K has. */
export type OutputCount<K extends KernelName> = Definitions[K]['outputs'];
// Interfaces of resolved members, looked up by K, rather than type expressions of K: a kernel generic over a few
// names (`binaryKernel<K extends 'Add' | 'Sub'>`) then sees the concrete input and output types of those names.
type InputsByKernel<T> = { [K in KernelName]: InputsOf<Definitions[K]['inputs'], T> };
interface InputsTable<T> extends InputsByKernel<T> {}
type OutputMetasByKernel = { [K in KernelName]: OutputMetas<OutputCount<K>> };
interface OutputMetasTable extends OutputMetasByKernel {}

/** Kernel K's inputs by name, each a `T`: a TensorInfo as kernels see them, a Tensor as `runKernel` takes them. */
export type KernelInputs<K extends KernelName, T = TensorInfo> = InputsTable<T>[K];
/** The shapes and dtypes of kernel K's outputs, as the engine resolved them: `[{ shape, dtype }]` for most. */
export type KernelOutputMetas<K extends KernelName> = OutputMetasTable[K];

/** Kernel K's spec, in the terms of the tables above. */
export interface SpecOf<K extends KernelName>
  extends Omit<KernelSpec<Definitions[K]['inputs'], KernelAttrs<K>, OutputCount<K>>, 'infer'> {
  readonly infer: (inputs: KernelInputs<K, TensorMeta>, attrs: KernelAttrs<K>) => KernelOutputMetas<K>;
}

/** Every kernel's spec, by name. */
export const KERNEL_SPECS: { readonly [K in KernelName]: SpecOf<K> } = definitions;

/** Every kernel name, in one list: backends, gradient rules and conformance cases are checked against it. */
export const KERNEL_NAMES = Object.keys(KERNEL_SPECS) as readonly KernelName[];

/** The kernels with more than one output. */
export type MultiOutputKernelName = { [K in KernelName]: OutputCount<K> extends 1 ? never : K }[KernelName];
/** The kernels with exactly one output. */
export type SingleOutputKernelName = Exclude<KernelName, MultiOutputKernelName>;

type Tuple<N extends number, Acc extends TensorInfo[] = []> = Acc['length'] extends N
  ? Readonly<Acc>
  : Tuple<N, [...Acc, TensorInfo]>;

type OutputsByKernel = { [K in KernelName]: OutputCount<K> extends 1 ? TensorInfo : Tuple<OutputCount<K>> };
/** What each kernel returns (a lookup, not a conditional, so generic single-output kernels type-check). */
export interface KernelOutputs extends OutputsByKernel {}

/** What kernel K returns: one TensorInfo, or a tuple of `OutputCount<K>` of them. */
export type KernelOutput<K extends KernelName> = KernelOutputs[K];

/** The number of outputs of kernel `name` (1 for all but the fused optimizer updates). */
export function kernelOutputCount(name: KernelName): number {
  return KERNEL_SPECS[name].outputs;
}

export type { AttentionAttrs } from './attention';
export type { Conv2DAttrs } from './conv';
export type { Padding4, Pair } from './geometry';
export type { MatMulAttrs } from './matmul';
export type { LayerNormAttrs } from './normalization';
export type { AdamUpdateAttrs, SGDUpdateAttrs } from './optim';
export type { Pool2DAttrs } from './pool';
export type { ReduceAttrs } from './reduce';
export type { InputKind, InputKinds, InputsOf, KernelSpec, NoAttrs, OutputMetas, TensorMeta } from './spec';
