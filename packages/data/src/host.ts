import { type Tensor, tensor } from '@nn/tensor';

/** The dtypes @nn/data produces. */
export type DType = 'float32' | 'int32' | 'float64';

/** A flat typed array of one of the dtypes above. */
export type HostArray = Float32Array | Int32Array | Float64Array;

/**
 * A tensor's data held in plain JavaScript memory: a flat row-major typed array plus its shape. All the heavy
 * work in @nn/data (decoding, batching, resizing, augmentation) happens on these; conversion to a Tensor only
 * happens at the public boundary.
 */
export interface HostTensor {
  data: HostArray;
  shape: readonly number[];
  dtype: DType;
}

/** Allocates a zeroed typed array of a dtype. */
export function allocHost(dtype: DType, size: number): HostArray {
  if (dtype === 'int32') return new Int32Array(size);
  if (dtype === 'float64') return new Float64Array(size);
  return new Float32Array(size);
}

/** Number of elements in a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Wraps host data as a Tensor (the one place @nn/data creates tensors). */
export function toTensor(host: HostTensor): Tensor {
  return tensor(host.data, [...host.shape], host.dtype);
}

/**
 * A host batch as tensors. When y is the very same host tensor as x (a one-tensor dataset) the batch is one tensor
 * used twice, so disposing x frees it.
 */
export function toTensors(host: { x: HostTensor; y: HostTensor }): { x: Tensor; y: Tensor } {
  const x = toTensor(host.x);
  return { x, y: host.y === host.x ? x : toTensor(host.y) };
}

/** Copies a Tensor's data into host memory. */
export function fromTensor(t: Tensor): HostTensor {
  return { data: t.dataSync() as HostArray, shape: [...t.shape], dtype: t.dtype as DType };
}
