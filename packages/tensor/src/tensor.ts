/**
 * The Tensor: a handle to data on a backend, with a shape and a dtype. Ops are functions in `ops/`;
 * the methods here are the same ops spelled `a.add(b)`. Tensors are immutable except through `assign`,
 * which optimizers use to update parameters in place.
 */
import type { Backend } from './backend/interface';
// A deliberate import cycle (tensor -> ops/engine -> tensor): nothing of them runs at module evaluation time, and
// it keeps the methods working in bundles that honour `sideEffects: false` (no install step to tree-shake).
import { engine } from './engine';
import { StateError, ValueError } from './errors';
import type { KernelAttrs } from './kernels/contract';
// Imports nothing that imports this module, so it is complete when the unary methods are installed below.
import unarySpecs, { type UnaryOpKernel } from './kernels/unary';
import * as ops from './ops';
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

type UnarySpecs = typeof unarySpecs;

/** The method forms of the plain unary ops (`x.relu()`, `x.leakyRelu(0.2)`), one per entry of the unary table. */
export type UnaryMethods = {
  [K in UnaryOpKernel as UnarySpecs[K]['op']]: (...args: Parameters<UnarySpecs[K]['parseArgs']>) => Tensor;
};

// installUnaryMethods() below defines these on the prototype.
/** The methods of the plain unary ops (`x.exp()`, `x.relu()`, ...), installed from their spec entries. */
export interface Tensor extends UnaryMethods {}

/**
 * An n-d array of float32, int32 or float64 values on a backend, immutable; ops return new tensors.
 * @example tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]])).toArray() // [[3], [7]]
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above declares the installed unary methods.
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

  /** @internal The storage key kernels read: a Tensor is the TensorInfo the engine hands a kernel. */
  get dataId(): DataId {
    return this.handle.dataId;
  }

  /** @internal */
  throwIfDisposed(op: string): void {
    if (this.disposed) throw new StateError(`${op}: tensor ${this.id} (shape [${this.shape.join(',')}]) was disposed`);
  }

  /** A flat copy of the values. Synchronous; on GPU backends prefer `await data()`. */
  dataSync(): TypedArray {
    return engine.readSync(this).slice();
  }

  /** A flat copy of the values; works on every backend. */
  async data(): Promise<TypedArray> {
    return (await engine.read(this)).slice();
  }

  /** The values as nested JS arrays (a number for a scalar). */
  toArray(): NestedArray {
    const values = engine.readSync(this);
    if (this.rank === 0) return values[0]!;
    return nest(values, this.shape, 0, 0);
  }

  /** The single value of a tensor with one element. */
  item(): number {
    if (this.size !== 1)
      throw new ValueError(`item: only tensors with one element have an item, got shape [${this.shape}]`);
    return engine.readSync(this)[0]!;
  }

  /** Frees the data (once no other view shares it). Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    engine.disposeTensor(this);
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
    engine.assign(this, value);
    return this;
  }

  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(',')}])`;
  }

  // Elementwise
  add(b: TensorLike): Tensor {
    return ops.add(this, b);
  }
  sub(b: TensorLike): Tensor {
    return ops.sub(this, b);
  }
  mul(b: TensorLike): Tensor {
    return ops.mul(this, b);
  }
  div(b: TensorLike): Tensor {
    return ops.div(this, b);
  }
  pow(b: TensorLike): Tensor {
    return ops.pow(this, b);
  }
  maximum(b: TensorLike): Tensor {
    return ops.maximum(this, b);
  }
  minimum(b: TensorLike): Tensor {
    return ops.minimum(this, b);
  }
  equal(b: TensorLike): Tensor {
    return ops.equal(this, b);
  }
  greater(b: TensorLike): Tensor {
    return ops.greater(this, b);
  }
  less(b: TensorLike): Tensor {
    return ops.less(this, b);
  }
  cast(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
  // Activations (relu, sigmoid, ... are among the unary methods)
  softmax(axis?: number): Tensor {
    return ops.softmax(this, axis);
  }
  logSoftmax(axis?: number): Tensor {
    return ops.logSoftmax(this, axis);
  }
  // Linear algebra
  matmul(b: Tensor): Tensor {
    return ops.matmul(this, b);
  }
  // Reductions
  sum(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return ops.sum(this, axis, keepDims);
  }
  mean(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return ops.mean(this, axis, keepDims);
  }
  max(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return ops.max(this, axis, keepDims);
  }
  min(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return ops.min(this, axis, keepDims);
  }
  argmax(axis: number): Tensor {
    return ops.argmax(this, axis);
  }
  logsumexp(axis?: number | readonly number[], keepDims?: boolean): Tensor {
    return ops.logsumexp(this, axis, keepDims);
  }
  /** The variance over `axis` (`variance(x, ...)`; PyTorch's `t.var`). */
  var(axis?: number | readonly number[], options?: ops.VarianceOptions): Tensor {
    return ops.variance(this, axis, options);
  }
  std(axis?: number | readonly number[], options?: ops.VarianceOptions): Tensor {
    return ops.std(this, axis, options);
  }
  cumsum(axis: number, options?: ops.CumsumOptions): Tensor {
    return ops.cumsum(this, axis, options);
  }
  // Selection
  sort(options?: ops.SortOptions): ops.ValuesAndIndices {
    return ops.sort(this, options);
  }
  argsort(options?: ops.SortOptions): Tensor {
    return ops.argsort(this, options);
  }
  topk(k: number, options?: ops.TopKOptions): ops.ValuesAndIndices {
    return ops.topk(this, k, options);
  }
  tril(k?: number): Tensor {
    return ops.tril(this, k);
  }
  triu(k?: number): Tensor {
    return ops.triu(this, k);
  }
  maskedFill(mask: Tensor, value: TensorLike): Tensor {
    return ops.maskedFill(this, mask, value);
  }
  // Shape
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  transpose(perm?: readonly number[]): Tensor {
    return ops.transpose(this, perm);
  }
  flatten(startAxis?: number): Tensor {
    return ops.flatten(this, startAxis);
  }
  slice(begin: readonly number[], size?: readonly number[]): Tensor {
    return ops.slice(this, begin, size);
  }
  gather(indices: Tensor | readonly number[], axis?: number): Tensor {
    return ops.gather(this, indices, axis);
  }
  pad(paddings: readonly (readonly [number, number])[], value?: number): Tensor {
    return ops.pad(this, paddings, value);
  }
  squeeze(axis?: number | readonly number[]): Tensor {
    return ops.squeeze(this, axis);
  }
  expandDims(axis: number): Tensor {
    return ops.expandDims(this, axis);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  clone(): Tensor {
    return ops.clone(this);
  }
  /** PyTorch's name for `clip`: every value limited to [min, max]. */
  clamp(min: number, max: number): Tensor {
    return ops.clip(this, min, max);
  }
  /** The same values, cut from the tape (see `detach`). */
  detach(): Tensor {
    return ops.detach(this);
  }
}

/** Finds every tensor in a (nested) result: a tensor, an array, or a plain object of them. */
export function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, into);
  else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, into);
  }
}

/**
 * Defines the method of every plain unary op on Tensor: `x.relu()` runs the Relu kernel with the attributes its
 * entry parses from the arguments. The function forms (`relu(x)`, in kernels/unary.ts) call these.
 */
function installUnaryMethods(): void {
  for (const [kernel, spec] of Object.entries(unarySpecs)) {
    if (!('parseArgs' in spec)) continue;
    const parseArgs = spec.parseArgs as (...args: unknown[]) => KernelAttrs<UnaryOpKernel>;
    const name = kernel as UnaryOpKernel;
    const method = function (this: Tensor, ...args: unknown[]): Tensor {
      return engine.runKernel(name, { x: this }, parseArgs(...args));
    };
    Object.defineProperty(Tensor.prototype, spec.op, { value: method, writable: true, configurable: true });
  }
}
installUnaryMethods();

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
