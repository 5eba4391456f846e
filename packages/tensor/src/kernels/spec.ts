/**
 * How a kernel is specified: its inputs (names and kinds), its attributes (a type), how many outputs it has, and
 * `infer`, which validates the inputs against each other and resolves every output's shape and dtype. The engine
 * runs `infer` once per call, before any backend sees the call, and hands the result to the kernel as `outputs`:
 * no backend recomputes broadcasting, conv geometry or output dtypes.
 *
 * This module and the family files next to it import nothing that imports the engine or Tensor: `tensor.ts` reads
 * the unary table when it is evaluated (to install the methods), so these modules must be complete by then.
 */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import type { DType, Shape } from '../types';
import { shapesEqual } from '../util/shape';

/** What inference sees of a tensor (Tensor and TensorInfo both are one), and what it resolves for an output. */
export interface TensorMeta {
  readonly shape: Shape;
  readonly dtype: DType;
}

/**
 * An input is one tensor, a list of tensors (Concat), or one tensor the call may leave out (`'optional'`: the
 * weight and bias of layerNorm, the mask of attention); a left-out input is absent or `undefined`.
 */
export type InputKind = 'tensor' | 'tensors' | 'optional';
/** A kernel's input names, each a single tensor, a list of tensors, or an optional tensor. */
export type InputKinds = Readonly<Record<string, InputKind>>;

/** A kernel's inputs by name, each one `T` (a `readonly T[]` for a list input; `T | undefined` for an optional one). */
export type InputsOf<I extends InputKinds, T> = {
  readonly [P in keyof I as I[P] extends 'optional' ? never : P]: I[P] extends 'tensors' ? readonly T[] : T;
} & { readonly [P in keyof I as I[P] extends 'optional' ? P : never]?: T | undefined };

type Tuple<N extends number, T, Acc extends T[] = []> = Acc['length'] extends N
  ? Readonly<Acc>
  : Tuple<N, T, [...Acc, T]>;

/** The shapes and dtypes of a kernel's N outputs, in order. */
export type OutputMetas<N extends number> = number extends N ? readonly TensorMeta[] : Tuple<N, TensorMeta>;

/** The attributes of a kernel that takes none. */
export type NoAttrs = Record<string, never>;

/** The definition of one kernel: its op name, inputs, attributes and the output shape and dtype inference. */
export interface KernelSpec<I extends InputKinds = InputKinds, A = unknown, N extends number = number> {
  /** The op errors are reported under: `add: shapes cannot be broadcast: [2] and [3]`. */
  readonly op: string;
  /** Input names and kinds. */
  readonly inputs: I;
  /** The input names, in order: the engine checks a call's inputs against them in test mode. */
  readonly inputNames: readonly string[];
  /**
   * How many outputs (1 for most). The fused optimizer updates and attention's backward ([dq, dk, dv]) have several,
   * and no gradient of their own.
   */
  readonly outputs: N;
  /**
   * Validates the inputs against each other and against `attrs` (attributes arrive normalised by the op: axes
   * sorted and non-negative, paddings explicit) and resolves each output's shape and dtype. Throws an NNError
   * naming `op`. Pure: it never reads tensor values.
   */
  readonly infer: (inputs: InputsOf<I, TensorMeta>, attrs: A) => OutputMetas<N>;
}

/**
 * A kernel spec with one output (the attribute type comes from `infer`'s second parameter).
 * @example defineKernel({ op: 'neg', inputs: { x: 'tensor' }, infer: ({ x }) => [x] })
 */
export function defineKernel<const I extends InputKinds, A = NoAttrs>(definition: {
  op: string;
  inputs: I;
  infer: (inputs: InputsOf<I, TensorMeta>, attrs: A) => readonly [TensorMeta];
}): KernelSpec<I, A, 1>;
/** A kernel spec with `outputs` outputs (the fused optimizer updates, attention's backward). */
export function defineKernel<const I extends InputKinds, A, const N extends number>(definition: {
  op: string;
  inputs: I;
  outputs: N;
  infer: (inputs: InputsOf<I, TensorMeta>, attrs: A) => NoInfer<OutputMetas<N>>;
}): KernelSpec<I, A, N>;
export function defineKernel(
  definition: Omit<KernelSpec<InputKinds, never, number>, 'outputs' | 'inputNames'> & { outputs?: number },
): KernelSpec<InputKinds, never, number> {
  const { op, inputs, outputs = 1, infer } = definition;
  return { op, inputs, inputNames: Object.keys(inputs), outputs, infer };
}

/**
 * Inputs that must share one shape and one dtype (a float one unless `ints`), as the fused elementwise kernels
 * need: `adamUpdate: grad is float64 but param is float32`.
 */
export function assertSameShapeAndDType(
  op: string,
  named: Readonly<Record<string, TensorMeta>>,
  { ints = false }: { ints?: boolean } = {},
): void {
  const entries = Object.entries(named);
  const [firstName, first] = entries[0]!;
  for (const [name, t] of entries.slice(1)) {
    if (t.dtype !== first.dtype)
      throw new DTypeError(`${op}: ${name} is ${t.dtype} but ${firstName} is ${first.dtype}`);
    if (!shapesEqual(t.shape, first.shape)) {
      throw new ShapeError(
        `${op}: ${name} ${fmtShape(t.shape)} must have the shape of ${firstName} ${fmtShape(first.shape)}`,
      );
    }
  }
  if (!ints && first.dtype === 'int32') throw new DTypeError(`${op}: needs float32 or float64 tensors, got int32`);
}
