/** Matrix product: a [..., M, K] @ b [..., K, N] (after the optional transposes); batch dims broadcast. */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import type { Shape } from '../types';
import { broadcastShapes } from './geometry';
import { defineKernel, type TensorMeta } from './spec';

/** The attributes of the MatMul kernel: which operand is transposed. */
export interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * The output of `a @ b` (both of rank >= 2). Messages show `shown`: the op passes the shapes the user gave when it
 * promoted a vector to a matrix.
 */
export function matmulOutput(
  a: TensorMeta,
  b: TensorMeta,
  { transposeA, transposeB }: MatMulAttrs,
  shown: readonly [Shape, Shape] = [a.shape, b.shape],
): TensorMeta {
  if (a.dtype !== b.dtype) throw new DTypeError(`matmul: dtypes differ: ${a.dtype} and ${b.dtype}`);
  const both = `${fmtShape(shown[0])} @ ${fmtShape(shown[1])}`;
  const [aRows, aCols] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];
  if ((transposeA ? aRows : aCols) !== (transposeB ? bCols : bRows)) {
    throw new ShapeError(`matmul: inner dimensions differ: ${both}`);
  }
  let batch: number[];
  try {
    batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    throw new ShapeError(`matmul: batch dimensions cannot be broadcast: ${both}`);
  }
  return { shape: [...batch, transposeA ? aCols : aRows, transposeB ? bRows : bCols], dtype: a.dtype };
}

export default {
  MatMul: defineKernel({
    op: 'matmul',
    inputs: { a: 'tensor', b: 'tensor' },
    infer: ({ a, b }, attrs: MatMulAttrs) => {
      if (a.shape.length < 2 || b.shape.length < 2) {
        throw new ShapeError(`matmul: the kernel needs matrices: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
      }
      return [matmulOutput(a, b, attrs)];
    },
  }),
};
