/** Elementwise unary kernels and activations; Cast. Output dtype = input dtype (except Cast). */
import type { DType, TensorInfo } from '@nn/tensor';
import type { Backend, KernelFn } from '@nn/tensor/backend';
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

/** Runs `expression` of `x` over every element of `x`, giving an `out` of x's shape. */
function mapElements(backend: Backend, x: TensorInfo, expression: string, out: { dtype: DType }): TensorInfo {
  const source = kernelSource(1, `const x = a0[i];\nreturn ${expression};`);
  return gpuOf(backend).compute(source, x.shape, out.dtype, [x]);
}

function unaryKernel<K extends PlainUnary>(name: K): KernelFn<K> {
  return (({ inputs: { x }, outputs: [out], backend }) =>
    mapElements(backend, x, EXPRESSIONS[name], out)) as KernelFn<K>;
}

const leakyRelu: KernelFn<'LeakyRelu'> = ({ inputs: { x }, attrs: { alpha }, outputs: [out], backend }) =>
  mapElements(backend, x, `x < 0.0 ? x * ${lit(alpha)} : x`, out);

const clip: KernelFn<'Clip'> = ({ inputs: { x }, attrs: { min, max }, outputs: [out], backend }) => {
  // An infinite bound clips nothing on its side (and has no shader literal).
  let expression = 'x';
  if (Number.isFinite(max)) expression = `(x > ${lit(max)} ? ${lit(max)} : ${expression})`;
  if (Number.isFinite(min)) expression = `(x < ${lit(min)} ? ${lit(min)} : ${expression})`;
  return mapElements(backend, x, expression, out);
};

/**
 * float32 -> int32 truncates toward zero (NaN -> 0); int32 -> float32 copies. A cast to float64 never gets here: this
 * backend cannot store float64, so the engine runs that call on the CPU backend (and records it as a fallback).
 */
const cast: KernelFn<'Cast'> = ({ inputs: { x }, outputs: [out], backend }) => {
  if (out.dtype === 'int32' && x.dtype !== 'int32') {
    return mapElements(backend, x, 'x != x ? 0.0 : (x < 0.0 ? Math.ceil(x) : Math.floor(x))', out);
  }
  return mapElements(backend, x, 'x', out);
};

/** dy where the ReLU output y is positive, else 0. */
const reluBackward: KernelFn<'ReluBackward'> = ({ inputs: { dy, y }, outputs: [out], backend }) =>
  gpuOf(backend).compute(kernelSource(2, 'return a1[i] > 0.0 ? a0[i] : 0.0;'), out.shape, out.dtype, [dy, y]);

export const unaryKernels: GpuKernels<PlainUnary | 'LeakyRelu' | 'Clip' | 'Cast' | 'ReluBackward'> = {
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
  ReluBackward: reluBackward,
};
