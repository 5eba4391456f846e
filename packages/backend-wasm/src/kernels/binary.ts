/**
 * Broadcasting elementwise kernels, float32 and int32, in wasm (SIMD for the contiguous, tensor-scalar and
 * scalar-tensor runs). The output's shape and dtype are the spec's; the outer axes of a broadcast are walked
 * here, one wasm call per innermost run, after collapsing axes so runs are as long as the shapes allow
 * ([N, C] + [C] is N runs of C, NCHW + [1, C, 1, 1] is N*C runs of H*W).
 */
import type { KernelName } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { broadcastStrides, collapseAxes, forEachRun, innerStep, type StridedLayout, sizeOf } from '../strided';
import { parallelElementwise, parallelRows } from './parallel';

/** Op codes of assembly/binary.ts. */
const OP = { Add: 0, Sub: 1, Mul: 2, Div: 3, Pow: 4, Maximum: 5, Minimum: 6, Equal: 7, Greater: 8, Less: 9 } as const;
type BinaryName = keyof typeof OP;

function binaryKernel<K extends BinaryName>(name: K): KernelFn<K> {
  const op = OP[name];
  return ({ inputs: { a, b }, outputs: [{ shape, dtype }], backend: base }) => {
    const backend = base as WasmBackend;
    const { info, data } = backend.output(shape, dtype);
    const size = sizeOf(shape);
    if (size === 0) return info;
    const aPtr = backend.ptr(a);
    const bPtr = backend.ptr(b);
    // The spec gives both inputs one dtype.
    const fn = a.dtype === 'int32' ? 'binaryRunInt' : 'binaryRun';
    const run = backend.exports[fn];
    const aSize = sizeOf(a.shape);
    const bSize = sizeOf(b.shape);
    if ((aSize === size || aSize === 1) && (bSize === size || bSize === 1)) {
      // Same shape, tensor-scalar or scalar-tensor: one contiguous run (split over threads when large).
      const aStep = aSize === size ? 1 : 0;
      const bStep = bSize === size ? 1 : 0;
      parallelElementwise(backend, fn, size, (start, count) => [
        op,
        aPtr + start * aStep * 4,
        aStep,
        bPtr + start * bStep * 4,
        bStep,
        data.ptr + start * 4,
        count,
      ]);
    } else {
      const layout = collapseAxes(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)]);
      const aStep = innerStep(layout, 0);
      const bStep = innerStep(layout, 1);
      if (fn === 'binaryRunInt') {
        forEachRun(layout, (offsets, o, n) => {
          run(op, aPtr + offsets[0]! * 4, aStep, bPtr + offsets[1]! * 4, bStep, data.ptr + o * 4, n);
        });
      } else broadcastRows(backend, op, layout, aPtr, bPtr, data.ptr);
    }
    return info;
  };
}

/**
 * A float32 broadcast walked as matrices: the last two collapsed axes are rows of runs (a bias row [N, C] + [C]
 * is N rows of C, an NCHW channel bias N matrices of C rows of H*W), one wasm call per matrix, split into runs
 * of rows over the threads when large. Each element is computed alike whatever the cut.
 */
function broadcastRows(backend: WasmBackend, op: number, layout: StridedLayout, a: number, b: number, out: number) {
  const rank = layout.shape.length;
  const n = layout.shape[rank - 1]!;
  const [aStep, bStep] = [innerStep(layout, 0), innerStep(layout, 1)];
  const [aRow, bRow] = layout.strides.map((s) => s[rank - 2] ?? 0) as [number, number];
  // The walk over every axis but the last: each of its runs is a matrix of `rows` rows of n.
  const matrices = { shape: layout.shape.slice(0, -1), strides: layout.strides.map((s) => s.slice(0, -1)) };
  forEachRun(matrices, (offsets, row, rows) => {
    const [aAt, bAt, outAt] = [a + offsets[0]! * 4, b + offsets[1]! * 4, out + row * n * 4];
    parallelRows(backend, 'binaryRows', rows, n, (start, count) => [
      op,
      aAt + start * aRow * 4,
      aRow,
      aStep,
      bAt + start * bRow * 4,
      bRow,
      bStep,
      outAt + start * n * 4,
      count,
      n,
    ]);
  });
}

/** where(condition != 0, a, b): a 32-bit select in wasm, for float32 and int32 alike. */
const where: KernelFn<'Where'> = ({ inputs: { condition, a, b }, outputs: [{ shape, dtype }], backend: base }) => {
  const backend = base as WasmBackend;
  const { info, data } = backend.output(shape, dtype);
  const layout = collapseAxes(shape, [
    broadcastStrides(condition.shape, shape),
    broadcastStrides(a.shape, shape),
    broadcastStrides(b.shape, shape),
  ]);
  const [cStep, aStep, bStep] = [0, 1, 2].map((k) => innerStep(layout, k)) as [number, number, number];
  const cPtr = backend.ptr(condition);
  const aPtr = backend.ptr(a);
  const bPtr = backend.ptr(b);
  const cIsInt = condition.dtype === 'int32' ? 1 : 0;
  if (layout.shape.length <= 1) {
    // One run (contiguous or scalar operands, like ReLU's gradient): split over threads when large.
    const n = sizeOf(shape);
    parallelElementwise(backend, 'whereRun', n, (start, count) => [
      cPtr + start * cStep * 4,
      cStep,
      cIsInt,
      aPtr + start * aStep * 4,
      aStep,
      bPtr + start * bStep * 4,
      bStep,
      data.ptr + start * 4,
      count,
    ]);
    return info;
  }
  forEachRun(layout, (offsets, o, n) => {
    backend.exports.whereRun(
      cPtr + offsets[0]! * 4,
      cStep,
      cIsInt,
      aPtr + offsets[1]! * 4,
      aStep,
      bPtr + offsets[2]! * 4,
      bStep,
      data.ptr + o * 4,
      n,
    );
  });
  return info;
};

export const binaryKernels = {
  Add: binaryKernel('Add'),
  Sub: binaryKernel('Sub'),
  Mul: binaryKernel('Mul'),
  Div: binaryKernel('Div'),
  Pow: binaryKernel('Pow'),
  Maximum: binaryKernel('Maximum'),
  Minimum: binaryKernel('Minimum'),
  Equal: binaryKernel('Equal'),
  Greater: binaryKernel('Greater'),
  Less: binaryKernel('Less'),
  Where: where,
} satisfies { [K in BinaryName | 'Where']: KernelFn<K> } & Partial<Record<KernelName, unknown>>;
