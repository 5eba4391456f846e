/**
 * Fused optimizer updates. A multi-output kernel is one shader per output, each
 * recomputing the few shared terms (3 launches for Adam instead of ~10, 2 for SGD with momentum).
 * Scalars that change between steps (the learning rate under a scheduler, Adam's bias corrections) are uniforms
 * (u0, u1, ...): as literals they made a new shader, compiled and cached, for every step.
 */
import type { TensorInfo } from '@nn/tensor';
import type { Backend, KernelFn, TensorMeta } from '@nn/tensor/backend';
import { kernelSource, lit } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

/** A literal in parentheses, so a negative one reads right after an operator. */
const num = (value: number): string => `(${lit(Math.fround(value))})`;

/** One output (`out`, resolved by the spec) of a fused update. */
function run(
  backend: Backend,
  out: TensorMeta,
  inputs: TensorInfo[],
  lines: string[],
  uniforms: readonly number[] = [],
): TensorInfo {
  const source = kernelSource(inputs.length, lines.join('\n'), uniforms.length);
  return gpuOf(backend).compute(source, out.shape, out.dtype, inputs, uniforms.map(Math.fround));
}

const adamUpdate: KernelFn<'AdamUpdate'> = ({ inputs: { param, grad, m, v }, attrs, outputs, backend }) => {
  const { lr, beta1, beta2, eps, weightDecay, decoupled, step } = attrs;
  const first = step === 1;
  // u0 = sqrt(1 - beta2^step), u1 = -(lr / (1 - beta1^step)), u2 = 1 - lr * weightDecay (AdamW only).
  const decay = weightDecay !== 0 && decoupled;
  const uniforms = [Math.sqrt(1 - beta2 ** step), -(lr / (1 - beta1 ** step))];
  if (decay) uniforms.push(1 - lr * weightDecay);
  const p = decay ? 'a0[i] * u2' : 'a0[i]';
  const g = weightDecay !== 0 && !decoupled ? `a1[i] + a0[i] * ${num(weightDecay)}` : 'a1[i]';
  const gm = `g * ${num(1 - beta1)}`;
  const gg = `(g * ${num(1 - beta2)}) * g`;
  const common = [
    `const g = ${g};`,
    `const m = ${first ? gm : `a2[i] * ${num(beta1)} + ${gm}`};`,
    `const v = ${first ? gg : `a3[i] * ${num(beta2)} + ${gg}`};`,
  ];
  const inputs = first ? [param, grad] : [param, grad, m, v];
  const denom = `Math.sqrt(v) / u0 + ${num(eps)}`;
  return [
    run(backend, outputs[0], inputs, [...common, `const p = ${p};`, `return p + (m * u1) / (${denom});`], uniforms),
    run(backend, outputs[1], inputs, [...common, 'return m;']),
    run(backend, outputs[2], inputs, [...common, 'return v;']),
  ] as const;
};

const sgdUpdate: KernelFn<'SGDUpdate'> = ({ inputs: { param, grad, buf }, attrs, outputs, backend }) => {
  const { lr, momentum, dampening, nesterov, weightDecay, firstStep } = attrs;
  const d = weightDecay !== 0 ? `a1[i] + a0[i] * ${num(weightDecay)}` : 'a1[i]';
  // u0 = lr.
  if (momentum === 0) {
    return [run(backend, outputs[0], [param, grad], [`const d = ${d};`, 'return a0[i] - d * u0;'], [lr]), buf] as const;
  }
  const b = firstStep ? 'd' : `a2[i] * ${num(momentum)} + d * ${num(1 - dampening)}`;
  const inputs = firstStep ? [param, grad] : [param, grad, buf];
  const common = [`const d = ${d};`, `const b = ${b};`];
  const update = nesterov ? `d + b * ${num(momentum)}` : 'b';
  return [
    run(backend, outputs[0], inputs, [...common, `return a0[i] - (${update}) * u0;`], [lr]),
    run(backend, outputs[1], inputs, [...common, 'return b;']),
  ] as const;
};

export const optimKernels: GpuKernels<'AdamUpdate' | 'SGDUpdate'> = {
  AdamUpdate: adamUpdate,
  SGDUpdate: sgdUpdate,
};
