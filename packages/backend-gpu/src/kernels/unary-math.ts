/**
 * The 0.2 unary kernels (rounding, trigonometry, erf, log1p/expm1, reciprocal/rsqrt, gelu, silu, elu, softplus),
 * each an expression of `x` over every element. GLSL ES 1.0 has no erf, tanh, log1p or expm1, and no literals for NaN
 * or the infinities: they are written out, with the edge values of the CPU kernels made explicit.
 */
import type { TensorInfo } from '@nn/tensor';
import type { Backend, KernelFn, TensorMeta } from '@nn/tensor/backend';
import { kernelSource, lit, nanOf, negInfOf } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

type MathUnary =
  | 'Sign'
  | 'Floor'
  | 'Ceil'
  | 'Round'
  | 'Sin'
  | 'Cos'
  | 'Erf'
  | 'Log1p'
  | 'Expm1'
  | 'Reciprocal'
  | 'Rsqrt'
  | 'Silu';

/**
 * erf(v) by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7, under float32's rounding at 1): odd, and
 * exactly +-1 once exp(-v^2) underflows. `p` prefixes its temporaries (several may share one shader).
 */
function erfOf(v: string, p: string): string {
  return `const ${p}a = Math.abs(${v});
const ${p}t = 1.0 / (1.0 + 0.3275911 * ${p}a);
const ${p}y = 1.0 - ((((1.061405429 * ${p}t - 1.453152027) * ${p}t + 1.421413741) * ${p}t - 0.284496736) * ${p}t + 0.254829592) * ${p}t * Math.exp(-${p}a * ${p}a);
const ${p} = ${v} < 0.0 ? -${p}y : ${p}y;`;
}

/** Statements binding `name` to expm1(v): exp(v) - 1 cancels to 0 for tiny v, where v + v^2/2 is exact in float32. */
const expm1Of = (v: string, name: string): string =>
  `const ${name} = Math.abs(${v}) < 1e-5 ? ${v} + 0.5 * ${v} * ${v} : Math.exp(${v}) - 1.0;`;

/** Each op as statements ending in `return`, over `x`. */
const BODIES: Record<MathUnary, string> = {
  // NaN gives 0, as torch.sign.
  Sign: 'return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : 0.0);',
  Floor: 'return Math.floor(x);',
  Ceil: 'return Math.ceil(x);',
  // Halves go to the even neighbour, as torch.round.
  Round: `const r = Math.floor(x + 0.5);
return (r - x == 0.5 && r - 2.0 * Math.floor(r * 0.5) != 0.0) ? r - 1.0 : r;`,
  Sin: 'return Math.sin(x);',
  Cos: 'return Math.cos(x);',
  Erf: `${erfOf('x', 'e')}\nreturn e;`,
  // log(1 + x) loses tiny x to rounding (x - x^2/2 does not); log(0) and negative logs are not defined in GLSL.
  Log1p: `if (x == -1.0) { return ${negInfOf('x + 2.0')}; }
if (x < -1.0) { return ${nanOf('x')}; }
return Math.abs(x) < 1e-4 ? x - 0.5 * x * x : Math.log(1.0 + x);`,
  Expm1: `${expm1Of('x', 'm')}\nreturn m;`,
  Reciprocal: 'return 1.0 / x;',
  Rsqrt: `return x < 0.0 ? ${nanOf('x')} : 1.0 / Math.sqrt(x);`,
  // x * sigmoid(x), written so that exp never overflows.
  Silu: 'return x >= 0.0 ? x / (1.0 + Math.exp(-x)) : x * Math.exp(x) / (1.0 + Math.exp(x));',
};

/** Runs `body` (statements over `x`, ending in `return`) on every element of `x`, into `out` (x's shape). */
function mapBody(backend: Backend, x: TensorInfo, body: string, out: TensorMeta): TensorInfo {
  return gpuOf(backend).compute(kernelSource(1, `const x = a0[i];\n${body}`), out.shape, out.dtype, [x]);
}

function mathKernel<K extends MathUnary>(name: K): KernelFn<K> {
  return (({ inputs: { x }, outputs: [out], backend }) => mapBody(backend, x, BODIES[name], out)) as KernelFn<K>;
}

/** Statements binding `t` to tanh(sqrt(2/pi) (x + 0.044715 x^3)), from exp(-2|z|) (saturating without NaN); also z, q. */
const geluTanhOf = (
  x: string,
): string => `const z = ${lit(Math.sqrt(2 / Math.PI))} * (${x} + 0.044715 * ${x} * ${x} * ${x});
const q = Math.exp(-2.0 * Math.abs(z));
const t = (z < 0.0 ? -1.0 : 1.0) * (1.0 - q) / (1.0 + q);`;

/** 0.5 x (1 + erf(x / sqrt 2)), or PyTorch's tanh form; tanh from exp(-2|z|), saturating without NaN. */
const gelu: KernelFn<'Gelu'> = ({ inputs: { x }, attrs: { tanh }, outputs: [out], backend }) => {
  const body = tanh
    ? `${geluTanhOf('x')}
return 0.5 * x * (1.0 + t);`
    : `${erfOf(`x * ${lit(Math.SQRT1_2)}`, 'e')}
return 0.5 * x * (1.0 + e);`;
  return mapBody(backend, x, body, out);
};

/** dy * gelu'(x): Phi(x) + x phi(x), or the tanh form's derivative (tanh from exp(-2|z|), saturating without NaN). */
const geluBackward: KernelFn<'GeluBackward'> = ({ inputs: { dy, x }, attrs: { tanh }, outputs: [out], backend }) => {
  const slope = tanh
    ? `${geluTanhOf('x')}
const du = ${lit(Math.sqrt(2 / Math.PI))} * (1.0 + ${lit(3 * 0.044715)} * x * x);
const s = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;`
    : `${erfOf(`x * ${lit(Math.SQRT1_2)}`, 'e')}
const s = 0.5 * (1.0 + e) + x * Math.exp(-0.5 * x * x) * ${lit(1 / Math.sqrt(2 * Math.PI))};`;
  const source = kernelSource(2, `const x = a1[i];\n${slope}\nreturn a0[i] * s;`);
  return gpuOf(backend).compute(source, out.shape, out.dtype, [dy, x]);
};

const elu: KernelFn<'Elu'> = ({ inputs: { x }, attrs: { alpha }, outputs: [out], backend }) =>
  mapBody(backend, x, `${expm1Of('x', 'm')}\nreturn x > 0.0 ? x : ${lit(alpha)} * m;`, out);

/** log(1 + exp(beta x)) / beta, and x where beta x > threshold (an infinite threshold has no literal: decided here). */
const softplus: KernelFn<'Softplus'> = ({ inputs: { x }, attrs: { beta, threshold }, outputs: [out], backend }) => {
  if (threshold === Number.NEGATIVE_INFINITY) return mapBody(backend, x, 'return x;', out);
  const past = Number.isFinite(threshold) ? `if (bx > ${lit(threshold)}) { return x; }` : '';
  const body = `const bx = ${lit(beta)} * x;
${past}
const u = Math.exp(bx);
return (u < 1e-4 ? u - 0.5 * u * u : Math.log(1.0 + u)) / ${lit(beta)};`;
  return mapBody(backend, x, body, out);
};

export const unaryMathKernels: GpuKernels<MathUnary | 'Gelu' | 'GeluBackward' | 'Elu' | 'Softplus'> = {
  Sign: mathKernel('Sign'),
  Floor: mathKernel('Floor'),
  Ceil: mathKernel('Ceil'),
  Round: mathKernel('Round'),
  Sin: mathKernel('Sin'),
  Cos: mathKernel('Cos'),
  Erf: mathKernel('Erf'),
  Log1p: mathKernel('Log1p'),
  Expm1: mathKernel('Expm1'),
  Reciprocal: mathKernel('Reciprocal'),
  Rsqrt: mathKernel('Rsqrt'),
  Silu: mathKernel('Silu'),
  Gelu: gelu,
  GeluBackward: geluBackward,
  Elu: elu,
  Softplus: softplus,
};
