/** Helpers shared by the gradient rules. */
import { type DType, reshape, sum, type Tensor, tidy } from '@nn/tensor';

/**
 * Sums a gradient of a broadcast result back to the `shape` of the input that was broadcast: over the
 * leading axes the input lacked and over the axes where it had size 1.
 * @example unbroadcast(ones([4, 3]), [1, 3]) // [[4, 4, 4]]
 */
export function unbroadcast(grad: Tensor, shape: readonly number[]): Tensor {
  const gradShape = grad.shape;
  const extra = gradShape.length - shape.length;
  let same = extra === 0;
  const axes: number[] = [];
  for (let i = 0; i < gradShape.length; i++) {
    const inputDim = i < extra ? -1 : shape[i - extra]!;
    if (inputDim !== gradShape[i]) {
      same = false;
      if (inputDim === -1 || inputDim === 1) axes.push(i);
    }
  }
  if (same) return grad;
  return tidy(() => reshape(axes.length === 0 ? grad : sum(grad, axes), shape));
}

/** The shape of a reduction's output with the reduced `axes` kept as size 1. */
export function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Comparisons return float32 0/1; this makes such a mask usable with tensors of `dtype`. */
export function asDType(mask: Tensor, dtype: DType): Tensor {
  return mask.dtype === dtype ? mask : mask.cast(dtype);
}
