/**
 * The Tensor: a handle to data on a backend, with a shape and a dtype. Ops are functions in `ops/`;
 * the methods here are the same ops spelled `a.add(b)`. Tensors are immutable except through `assign`,
 * which optimizers use to update parameters in place.
 */
import type { Backend } from './backend';
import { StateError, ValueError } from './errors';
import type * as Ops from './ops';
import type { DataId, DType, NestedArray, Shape, TypedArray } from './types';
import { sizeOf } from './util/shape';

/** Storage shared by tensors that view the same data (e.g. a tensor and its reshape). */
export interface DataHandle {
  dataId: DataId;
  backend: Backend;
  refCount: number;
  bytes: number;
}

/** A tensor or a plain number where a tensor is expected (`a.mul(2)`). */
export type TensorLike = Tensor | number;

type OpsTable = typeof Ops;
let ops: OpsTable | undefined;
let engineHooks:
  | {
      dispose(t: Tensor): void;
      read(t: Tensor): Promise<TypedArray>;
      readSync(t: Tensor): TypedArray;
      assign(target: Tensor, source: Tensor): void;
    }
  | undefined;

/** Wires the ops and engine into the Tensor methods (done once by the package entry point). */
export function installTensorMethods(table: OpsTable, hooks: NonNullable<typeof engineHooks>): void {
  ops = table;
  engineHooks = hooks;
}

function o(): OpsTable {
  if (!ops) throw new StateError('Tensor methods are not installed: import from "@nn/tensor"');
  return ops;
}

export class Tensor {
  /** @internal Storage; replaced by `assign`. */
  handle: DataHandle;
  readonly shape: Shape;
  readonly dtype: DType;
  /** Unique per tensor object: the autograd tape keys gradients by it. */
  readonly id: number;
  private disposed = false;

  /** @internal Use `tensor()`, `zeros()`... to make tensors. */
  constructor(handle: DataHandle, shape: Shape, dtype: DType, id: number) {
    this.handle = handle;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.id = id;
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** @internal */
  throwIfDisposed(op: string): void {
    if (this.disposed) throw new StateError(`${op}: tensor ${this.id} (shape [${this.shape.join(',')}]) was disposed`);
  }

  /** A flat copy of the values. Synchronous; on GPU backends prefer `await data()`. */
  dataSync(): TypedArray {
    return engineHooks!.readSync(this).slice();
  }

  /** A flat copy of the values; works on every backend. */
  async data(): Promise<TypedArray> {
    return (await engineHooks!.read(this)).slice();
  }

  /** The values as nested JS arrays (a number for a scalar). */
  toArray(): NestedArray {
    const values = engineHooks!.readSync(this);
    if (this.rank === 0) return values[0]!;
    return nest(values, this.shape, 0, 0);
  }

  /** The single value of a tensor with one element. */
  item(): number {
    if (this.size !== 1)
      throw new ValueError(`item: only tensors with one element have an item, got shape [${this.shape}]`);
    return engineHooks!.readSync(this)[0]!;
  }

  /** Frees the data (once no other view shares it). Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    engineHooks!.dispose(this);
  }

  /** Replaces this tensor's values with `value`'s (same shape and dtype), in place. */
  assign(value: Tensor): this {
    this.throwIfDisposed('assign');
    value.throwIfDisposed('assign');
    if (
      value.dtype !== this.dtype ||
      value.shape.length !== this.shape.length ||
      value.shape.some((d, i) => d !== this.shape[i])
    ) {
      throw new ValueError(`assign: expected ${this.dtype} [${this.shape}], got ${value.dtype} [${value.shape}]`);
    }
    engineHooks!.assign(this, value);
    return this;
  }

  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(',')}])`;
  }

  // Elementwise
  add(b: TensorLike): Tensor {
    return o().add(this, b);
  }
  sub(b: TensorLike): Tensor {
    return o().sub(this, b);
  }
  mul(b: TensorLike): Tensor {
    return o().mul(this, b);
  }
  div(b: TensorLike): Tensor {
    return o().div(this, b);
  }
  pow(b: TensorLike): Tensor {
    return o().pow(this, b);
  }
  maximum(b: TensorLike): Tensor {
    return o().maximum(this, b);
  }
  minimum(b: TensorLike): Tensor {
    return o().minimum(this, b);
  }
  equal(b: TensorLike): Tensor {
    return o().equal(this, b);
  }
  greater(b: TensorLike): Tensor {
    return o().greater(this, b);
  }
  less(b: TensorLike): Tensor {
    return o().less(this, b);
  }
  neg(): Tensor {
    return o().neg(this);
  }
  exp(): Tensor {
    return o().exp(this);
  }
  log(): Tensor {
    return o().log(this);
  }
  sqrt(): Tensor {
    return o().sqrt(this);
  }
  abs(): Tensor {
    return o().abs(this);
  }
  square(): Tensor {
    return o().square(this);
  }
  clip(min: number, max: number): Tensor {
    return o().clip(this, min, max);
  }
  cast(dtype: DType): Tensor {
    return o().cast(this, dtype);
  }
  // Activations
  relu(): Tensor {
    return o().relu(this);
  }
  leakyRelu(alpha?: number): Tensor {
    return o().leakyRelu(this, alpha);
  }
  sigmoid(): Tensor {
    return o().sigmoid(this);
  }
  tanh(): Tensor {
    return o().tanh(this);
  }
  softmax(axis?: number): Tensor {
    return o().softmax(this, axis);
  }
  logSoftmax(axis?: number): Tensor {
    return o().logSoftmax(this, axis);
  }
  // Linear algebra
  matmul(b: Tensor): Tensor {
    return o().matmul(this, b);
  }
  // Reductions
  sum(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return o().sum(this, axis, keepDims);
  }
  mean(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return o().mean(this, axis, keepDims);
  }
  max(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return o().max(this, axis, keepDims);
  }
  min(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return o().min(this, axis, keepDims);
  }
  argmax(axis: number): Tensor {
    return o().argmax(this, axis);
  }
  // Shape
  reshape(shape: readonly number[]): Tensor {
    return o().reshape(this, shape);
  }
  transpose(perm?: readonly number[]): Tensor {
    return o().transpose(this, perm);
  }
  flatten(startAxis?: number): Tensor {
    return o().flatten(this, startAxis);
  }
  slice(begin: readonly number[], size?: readonly number[]): Tensor {
    return o().slice(this, begin, size);
  }
  gather(indices: Tensor | readonly number[], axis?: number): Tensor {
    return o().gather(this, indices, axis);
  }
  pad(paddings: readonly (readonly [number, number])[], value?: number): Tensor {
    return o().pad(this, paddings, value);
  }
  squeeze(axis?: number | readonly number[]): Tensor {
    return o().squeeze(this, axis);
  }
  expandDims(axis: number): Tensor {
    return o().expandDims(this, axis);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return o().broadcastTo(this, shape);
  }
  clone(): Tensor {
    return o().clone(this);
  }
}

function nest(values: TypedArray, shape: Shape, axis: number, offset: number): NestedArray[] {
  const dim = shape[axis]!;
  const out: NestedArray[] = new Array(dim);
  if (axis === shape.length - 1) {
    for (let i = 0; i < dim; i++) out[i] = values[offset + i]!;
    return out;
  }
  const stride = sizeOf(shape.slice(axis + 1));
  for (let i = 0; i < dim; i++) out[i] = nest(values, shape, axis + 1, offset + i * stride);
  return out;
}
