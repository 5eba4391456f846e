/**
 * Batched matrix product on the wasm GEMM (packed panels, 4x8 SIMD register tiles, cache blocking), float32.
 * Batch dims broadcast (to the output's, which the spec resolved); transposes are folded into the strides the
 * packing reads through, so they cost nothing. int32 has its own product (assembly/matmul-int.ts, wrapping).
 */
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { broadcastStrides, sizeOf } from '../strided';
import { parallelGemm } from './parallel';

const matMul: KernelFn<'MatMul'> = (args) => {
  const { a, b } = args.inputs;
  const [out] = args.outputs;
  const backend = args.backend as WasmBackend;
  const { transposeA, transposeB } = args.attrs;
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const aRows = a.shape[aRank - 2]!;
  const aCols = a.shape[aRank - 1]!;
  const bRows = b.shape[bRank - 2]!;
  const bCols = b.shape[bRank - 1]!;
  const [m, n] = out.shape.slice(-2) as [number, number];
  const k = transposeA ? aRows : aCols;
  // Element strides of the logical (already transposed) operands.
  const [ars, acs] = transposeA ? [1, aCols] : [aCols, 1];
  const [brs, bcs] = transposeB ? [1, bCols] : [bCols, 1];

  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batchShape = out.shape.slice(0, -2);
  const batches = sizeOf(batchShape);
  const { info, data } = backend.output(out.shape, out.dtype);
  if (batches * m * n === 0) return info;
  const aPtr = backend.ptr(a);
  const bPtr = backend.ptr(b);
  const aStrides = broadcastStrides(aBatch, batchShape);
  const bStrides = broadcastStrides(bBatch, batchShape);
  const int = out.dtype === 'int32';
  if (!int && !transposeA && bStrides.every((s) => s === 0) && sizeOf(aBatch) === batches) {
    // One shared right-hand matrix (a linear layer over [N, T, F]): the batches stack into one tall GEMM.
    parallelGemm(backend, aPtr, ars, acs, bPtr, brs, bcs, data.ptr, n, batches * m, n, k, false);
    return info;
  }
  for (let batch = 0; batch < batches; batch++) {
    let aMatrix = 0;
    let bMatrix = 0;
    for (let axis = batchShape.length - 1, rest = batch; axis >= 0; axis--) {
      const i = rest % batchShape[axis]!;
      rest = Math.floor(rest / batchShape[axis]!);
      aMatrix += i * aStrides[axis]!;
      bMatrix += i * bStrides[axis]!;
    }
    const aOffset = aPtr + aMatrix * aRows * aCols * 4;
    const bOffset = bPtr + bMatrix * bRows * bCols * 4;
    const cOffset = data.ptr + batch * m * n * 4;
    if (int) backend.exports.gemmInt(aOffset, ars, acs, bOffset, brs, bcs, cOffset, n, m, n, k);
    else parallelGemm(backend, aOffset, ars, acs, bOffset, brs, bcs, cOffset, n, m, n, k, false);
  }
  return info;
};

export const matmulKernels = { MatMul: matMul };
