/** Batched matrix product on top of the blocked GEMM; batch dims broadcast, transposes are folded into strides. */
import { type KernelFn, outputInfo } from '../../backend/interface';
import { broadcastStrides } from '../../kernels/geometry';
import type { TypedArray } from '../../types';
import { sizeOf } from '../../util/shape';
import { fromFloat64 } from './convert';
import { gemm, type MatrixView } from './gemm';

/** A view of the matrix at `offset` in row-major [rows, cols] storage, read transposed when `transposed`. */
export function matrixView(data: TypedArray, offset: number, cols: number, transposed: boolean): MatrixView {
  return transposed ? { data, offset, rowStride: 1, colStride: cols } : { data, offset, rowStride: cols, colStride: 1 };
}

const matMul: KernelFn<'MatMul'> = ({ inputs: { a, b }, attrs, outputs: [output], backend }) => {
  const { transposeA, transposeB } = attrs;
  const aValues = backend.readSync(a.dataId);
  const bValues = backend.readSync(b.dataId);
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const [aRows, aCols] = [a.shape[aRank - 2]!, a.shape[aRank - 1]!];
  const [bRows, bCols] = [b.shape[bRank - 2]!, b.shape[bRank - 1]!];
  const { shape, dtype } = output;
  const [m, n] = shape.slice(-2) as [number, number];
  const k = transposeA ? aRows : aCols;

  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batchShape = shape.slice(0, -2);
  const batches = sizeOf(batchShape);
  // The GEMM accumulates in float64; fromFloat64 stores the result once in the output dtype.
  const acc = new Float64Array(batches * m * n);

  const aStrides = broadcastStrides(aBatch, batchShape);
  const bStrides = broadcastStrides(bBatch, batchShape);
  if (batches > 0 && !transposeA && bStrides.every((s) => s === 0) && sizeOf(aBatch) === batches) {
    // One shared right-hand matrix (e.g. a linear layer on [N, T, F]): stack the batches into one tall GEMM.
    gemm(batches * m, n, k, matrixView(aValues, 0, aCols, false), matrixView(bValues, 0, bCols, transposeB), acc, 0, n);
  } else {
    for (let batch = 0; batch < batches; batch++) {
      let aMatrix = 0;
      let bMatrix = 0;
      for (let axis = batchShape.length - 1, rest = batch; axis >= 0; axis--) {
        const i = rest % batchShape[axis]!;
        rest = Math.floor(rest / batchShape[axis]!);
        aMatrix += i * aStrides[axis]!;
        bMatrix += i * bStrides[axis]!;
      }
      const aView = matrixView(aValues, aMatrix * aRows * aCols, aCols, transposeA);
      const bView = matrixView(bValues, bMatrix * bRows * bCols, bCols, transposeB);
      gemm(m, n, k, aView, bView, acc, batch * m * n, n);
    }
  }
  return outputInfo(backend, fromFloat64(acc, dtype), shape, dtype);
};

export const matmulKernels = { MatMul: matMul };
