/**
 * Broadcasting elementwise kernels. Each op has its own hand-written loop (see `runBinary`): a shared loop
 * calling an op closure per element is several times slower in V8 once it has seen more than one op.
 */
import { type Backend, type KernelFn, outputInfo } from '../../backend/interface';
import type { KernelName } from '../../kernels/contract';
import { broadcastStrides } from '../../kernels/geometry';
import type { TensorMeta } from '../../kernels/spec';
import type { TensorInfo, TypedArray } from '../../types';
import { typedArrayFor } from '../../types';
import { shapesEqual, sizeOf } from '../../util/shape';
import { collapseAxes, forEachRun } from './strided';

enum Op {
  Add,
  Sub,
  Mul,
  IntMul,
  Div,
  Pow,
  Maximum,
  Minimum,
  Equal,
  Greater,
  Less,
}

type BinaryName = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow' | 'Maximum' | 'Minimum' | 'Equal' | 'Greater' | 'Less';

/**
 * out[o + i] = a[ai + i * aStep] (op) b[bi + i * bStep] for i < n. Storing into an Int32Array applies
 * ToInt32, which is exactly int32 wrap-around for results that are exact doubles (all but Mul, hence IntMul).
 */
function runBinary(
  op: Op,
  a: TypedArray,
  ai: number,
  aStep: number,
  b: TypedArray,
  bi: number,
  bStep: number,
  out: TypedArray,
  o: number,
  n: number,
): void {
  const end = o + n;
  switch (op) {
    case Op.Add:
      for (; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai]! + b[bi]!;
      return;
    case Op.Sub:
      for (; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai]! - b[bi]!;
      return;
    case Op.Mul:
      for (; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai]! * b[bi]!;
      return;
    case Op.IntMul:
      for (; o < end; o++, ai += aStep, bi += bStep) out[o] = Math.imul(a[ai]!, b[bi]!);
      return;
    case Op.Div:
      for (; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai]! / b[bi]!;
      return;
    case Op.Pow:
      for (; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai]! ** b[bi]!;
      return;
    case Op.Maximum:
      // Math.max propagates NaN, as torch.maximum does.
      for (; o < end; o++, ai += aStep, bi += bStep) out[o] = Math.max(a[ai]!, b[bi]!);
      return;
    case Op.Minimum:
      for (; o < end; o++, ai += aStep, bi += bStep) out[o] = Math.min(a[ai]!, b[bi]!);
      return;
    case Op.Equal:
      for (; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai]! === b[bi]! ? 1 : 0;
      return;
    case Op.Greater:
      for (; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai]! > b[bi]! ? 1 : 0;
      return;
    case Op.Less:
      for (; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai]! < b[bi]! ? 1 : 0;
      return;
  }
}

function binaryKernel<K extends BinaryName>(name: K): KernelFn<K> {
  return ({ inputs: { a, b }, outputs: [output], backend }) => {
    const op = name === 'Mul' && a.dtype === 'int32' ? Op.IntMul : Op[name];
    return broadcastBinary(backend, op, a, b, output);
  };
}

function broadcastBinary(backend: Backend, op: Op, a: TensorInfo, b: TensorInfo, output: TensorMeta): TensorInfo {
  const aValues = backend.readSync(a.dataId);
  const bValues = backend.readSync(b.dataId);
  const { shape, dtype } = output;
  const size = sizeOf(shape);
  const out = typedArrayFor(dtype, size);
  if (size > 0) {
    if (shapesEqual(a.shape, b.shape)) {
      runBinary(op, aValues, 0, 1, bValues, 0, 1, out, 0, size);
    } else if (bValues.length === 1) {
      runBinary(op, aValues, 0, 1, bValues, 0, 0, out, 0, size);
    } else if (aValues.length === 1) {
      runBinary(op, aValues, 0, 0, bValues, 0, 1, out, 0, size);
    } else {
      const layout = collapseAxes(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)]);
      const last = layout.shape.length - 1;
      const aStep = layout.strides[0]![last] ?? 0;
      const bStep = layout.strides[1]![last] ?? 0;
      forEachRun(layout, (offsets, o, n) => {
        runBinary(op, aValues, offsets[0]!, aStep, bValues, offsets[1]!, bStep, out, o, n);
      });
    }
  }
  return outputInfo(backend, out, shape, dtype);
}

/** where(condition != 0, a, b) with all three broadcast together; output dtype is a's. */
const where: KernelFn<'Where'> = ({ inputs: { condition, a, b }, outputs: [{ shape, dtype }], backend }) => {
  const cValues = backend.readSync(condition.dataId);
  const aValues = backend.readSync(a.dataId);
  const bValues = backend.readSync(b.dataId);
  const out = typedArrayFor(dtype, sizeOf(shape));
  const layout = collapseAxes(shape, [
    broadcastStrides(condition.shape, shape),
    broadcastStrides(a.shape, shape),
    broadcastStrides(b.shape, shape),
  ]);
  const last = layout.shape.length - 1;
  const [cStep, aStep, bStep] = layout.strides.map((s) => s[last] ?? 0) as [number, number, number];
  forEachRun(layout, (offsets, o, n) => {
    let ci = offsets[0]!;
    let ai = offsets[1]!;
    let bi = offsets[2]!;
    for (let end = o + n; o < end; o++, ci += cStep, ai += aStep, bi += bStep) {
      // NaN is "not zero", as in PyTorch's bool conversion.
      out[o] = cValues[ci]! !== 0 ? aValues[ai]! : bValues[bi]!;
    }
  });
  return outputInfo(backend, out, shape, dtype);
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
