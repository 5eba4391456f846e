/** Batched MatMul with transposes and broadcast batch dims: one thread per output element, a K-long loop. */
import { broadcastStrides, type KernelFn } from '@nn/tensor/backend';
import { dot, kernelSource, lit, unravel } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

/** Strides of the batch axes of `shape` (all but the last two) over the output's batch axes, 0 where broadcast. */
function batchStrides(shape: readonly number[], outBatch: readonly number[]): number[] {
  const matrix = shape[shape.length - 2]! * shape[shape.length - 1]!;
  return broadcastStrides(shape.slice(0, -2), outBatch).map((s) => s * matrix);
}

/** The output [...batch, m, n] is resolved by the spec; k is the contracted axis of a. */
const matMul: KernelFn<'MatMul'> = ({
  inputs: { a, b },
  attrs: { transposeA, transposeB },
  outputs: [out],
  backend,
}) => {
  const ra = a.shape.length;
  const [aRows, aCols] = [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const bCols = b.shape[b.shape.length - 1]!;
  const k = transposeA ? aRows : aCols;
  const batch = out.shape.slice(0, -2);
  const { code, coords } = unravel(out.shape, 'o');
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
  return gpuOf(backend).compute(kernelSource(2, body), out.shape, out.dtype, [a, b]);
};

export const matmulKernels: GpuKernels<'MatMul'> = { MatMul: matMul };
