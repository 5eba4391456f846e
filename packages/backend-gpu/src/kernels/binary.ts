/** Broadcasting elementwise kernels (NumPy rules), and Where. One shader per op and shape. */
import type { TensorInfo } from '@nn/tensor';
import { broadcastStrides, type KernelFn } from '@nn/tensor/backend';
import { dot, kernelSource, nanOf, unravel } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

type BinaryName = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow' | 'Maximum' | 'Minimum' | 'Equal' | 'Greater' | 'Less';

/** GLSL has no NaN/Infinity literals: these produce them at run time from an operand. */
const NAN = nanOf('x');

/** Each op as an expression of `x` and `y`, with JavaScript's semantics for the edge cases. */
const EXPRESSIONS: Record<BinaryName, string> = {
  Add: 'x + y',
  Sub: 'x - y',
  Mul: 'x * y',
  Div: 'x / y',
  // GLSL pow is undefined for x < 0 and for 0^0; Math.pow is not.
  Pow: `(y == 0.0 ? 1.0 : (x == 0.0 ? (y > 0.0 ? 0.0 : 1.0 / (x * x)) : (x > 0.0 ? Math.pow(x, y) : (Math.floor(y) == y ? (Math.floor(y * 0.5) * 2.0 == y ? Math.pow(-x, y) : -Math.pow(-x, y)) : ${NAN}))))`,
  // NaN propagates, as Math.max/min do.
  Maximum: '(x > y || x != x) ? x : y',
  Minimum: '(x < y || x != x) ? x : y',
  Equal: 'x == y ? 1.0 : 0.0',
  Greater: 'x > y ? 1.0 : 0.0',
  Less: 'x < y ? 1.0 : 0.0',
};

/** Reads every input at the output's coordinates (broadcast) and combines them with `expression`. */
export function broadcastSource(
  inputs: readonly TensorInfo[],
  outShape: readonly number[],
  expression: string,
): string {
  const { code, coords } = unravel(outShape, 'o');
  const names = ['x', 'y', 'z'];
  const reads = inputs.map(
    (t, k) => `const ${names[k]!} = a${k}[${dot(coords, broadcastStrides(t.shape, outShape))}];`,
  );
  return kernelSource(inputs.length, `${code}\n${reads.join('\n')}\nreturn ${expression};`);
}

function binaryKernel<K extends BinaryName>(name: K): KernelFn<K> {
  // The spec resolved the output: broadcast shape, and float32 for comparisons and division.
  return (({ inputs: { a, b }, outputs: [out], backend }) => {
    const source = broadcastSource([a, b], out.shape, EXPRESSIONS[name]);
    return gpuOf(backend).compute(source, out.shape, out.dtype, [a, b]);
  }) as KernelFn<K>;
}

const where: KernelFn<'Where'> = ({ inputs: { condition, a, b }, outputs: [out], backend }) => {
  const source = broadcastSource([condition, a, b], out.shape, 'x != 0.0 ? y : z');
  return gpuOf(backend).compute(source, out.shape, out.dtype, [condition, a, b]);
};

export const binaryKernels: GpuKernels<BinaryName | 'Where'> = {
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
};
