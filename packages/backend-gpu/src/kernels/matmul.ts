/** Batched MatMul with transposes and broadcast batch dims: one thread per output element, a K-long loop. */
import { broadcastShapes, type KernelFn } from '@nn/tensor/backend';
import { dot, kernelSource, lit, stridesOf, unravel } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

/** Strides of the batch axes of `shape` (all but the last two), right-aligned to `outBatch`, 0 where broadcast. */
function batchStrides(shape: readonly number[], outBatch: readonly number[]): number[] {
  const batch = shape.slice(0, -2);
  const own = stridesOf(shape);
  const offset = outBatch.length - batch.length;
  return outBatch.map((_, axis) => {
    const a = axis - offset;
    return a < 0 || batch[a] === 1 ? 0 : own[a]!;
  });
}

const matMul: KernelFn<'MatMul'> = ({ inputs: { a, b }, attrs: { transposeA, transposeB }, backend }) => {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const [aRows, aCols] = [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const [bRows, bCols] = [b.shape[rb - 2]!, b.shape[rb - 1]!];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const shape = [...batch, m, n];
  const { code, coords } = unravel(shape, 'o');
  const batchCoords = coords.slice(0, batch.length);
  const [om, on] = [coords[batch.length]!, coords[batch.length + 1]!];
  // Element (row, col) of the un-transposed matrices sits at row * cols + col.
  const aM = transposeA ? 1 : aCols;
  const aK = transposeA ? aCols : 1;
  const bK = transposeB ? 1 : bCols;
  const bN = transposeB ? bCols : 1;
  const body = `${code}
const aBase = ${dot(batchCoords, batchStrides(a.shape, batch))} + ${om} * ${lit(aM)};
const bBase = ${dot(batchCoords, batchStrides(b.shape, batch))} + ${on} * ${lit(bN)};
let acc = 0.0;
for (let p = 0.0; p < ${lit(k)}; p += 1.0) {
acc += a0[aBase + p * ${lit(aK)}] * a1[bBase + p * ${lit(bK)}];
}
return acc;`;
  return gpuOf(backend).compute(kernelSource(2, body), shape, a.dtype, [a, b]);
};

export const matmulKernels: GpuKernels<'MatMul'> = { MatMul: matMul };
