/** Elementwise unary kernels and activations; Cast. Output dtype = input dtype (except Cast). */
import { type TensorInfo, typedArrayFor } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import { kernelSource, lit, nanOf, negInfOf } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

type PlainUnary = 'Neg' | 'Exp' | 'Log' | 'Sqrt' | 'Abs' | 'Square' | 'Relu' | 'Sigmoid' | 'Tanh';

const EXPRESSIONS: Record<PlainUnary, string> = {
  Neg: '-x',
  Exp: 'Math.exp(x)',
  // Explicit edge cases: ANGLE/SwiftShader return log(0) = -88 and no NaN for negative inputs.
  Log: `x == 0.0 ? ${negInfOf('x + 1.0')} : (x < 0.0 ? ${nanOf('x')} : Math.log(x))`,
  Sqrt: `x < 0.0 ? ${nanOf('x')} : Math.sqrt(x)`,
  Abs: 'Math.abs(x)',
  Square: 'x * x',
  // NaN passes through (x < 0 is false for NaN), as torch.relu does.
  Relu: 'x < 0.0 ? 0.0 : x',
  // Both branches stay finite: exp of a non-positive number never overflows.
  Sigmoid: 'x >= 0.0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x))',
  // tanh from exp(-2|x|) (GLSL ES 1.0 has no tanh), saturating to +-1 without NaN.
  Tanh: '(x < 0.0 ? -1.0 : 1.0) * (1.0 - Math.exp(-2.0 * Math.abs(x))) / (1.0 + Math.exp(-2.0 * Math.abs(x)))',
};

/** Runs `expression` of `x` over every element of `x`. */
export function mapElements(backend: ReturnType<typeof gpuOf>, x: TensorInfo, expression: string, dtype = x.dtype) {
  const source = kernelSource(1, `const x = a0[i];\nreturn ${expression};`);
  return backend.compute(source, x.shape, dtype, [x]);
}

function unaryKernel<K extends PlainUnary>(name: K): KernelFn<K> {
  return (({ inputs: { x }, backend }) => mapElements(gpuOf(backend), x, EXPRESSIONS[name])) as KernelFn<K>;
}

const leakyRelu: KernelFn<'LeakyRelu'> = ({ inputs: { x }, attrs: { alpha }, backend }) =>
  mapElements(gpuOf(backend), x, `x < 0.0 ? x * ${lit(alpha)} : x`);

const clip: KernelFn<'Clip'> = ({ inputs: { x }, attrs: { min, max }, backend }) => {
  // An infinite bound clips nothing on its side (and has no shader literal).
  let expression = 'x';
  if (Number.isFinite(max)) expression = `(x > ${lit(max)} ? ${lit(max)} : ${expression})`;
  if (Number.isFinite(min)) expression = `(x < ${lit(min)} ? ${lit(min)} : ${expression})`;
  return mapElements(gpuOf(backend), x, expression);
};

/** float32 -> int32 truncates toward zero (NaN -> 0); int32 -> float32 copies; float64 results live on the host. */
const cast: KernelFn<'Cast'> = ({ inputs: { x }, attrs: { dtype }, backend }) => {
  const gpu = gpuOf(backend);
  if (dtype === 'float64') {
    const out = typedArrayFor(
      'float64',
      x.shape.reduce((s, d) => s * d, 1),
    );
    out.set(gpu.readSync(x.dataId));
    return gpu.fromHost(out, x.shape, 'float64');
  }
  if (dtype === 'int32' && x.dtype !== 'int32') {
    return mapElements(gpu, x, 'x != x ? 0.0 : (x < 0.0 ? Math.ceil(x) : Math.floor(x))', 'int32');
  }
  return mapElements(gpu, x, 'x', dtype);
};

export const unaryKernels: GpuKernels<PlainUnary | 'LeakyRelu' | 'Clip' | 'Cast'> = {
  Neg: unaryKernel('Neg'),
  Exp: unaryKernel('Exp'),
  Log: unaryKernel('Log'),
  Sqrt: unaryKernel('Sqrt'),
  Abs: unaryKernel('Abs'),
  Square: unaryKernel('Square'),
  Relu: unaryKernel('Relu'),
  Sigmoid: unaryKernel('Sigmoid'),
  Tanh: unaryKernel('Tanh'),
  LeakyRelu: leakyRelu,
  Clip: clip,
  Cast: cast,
};
