/**
 * Fused optimizer updates and ReLU's backward pass. A multi-output kernel is one shader per output, each
 * recomputing the few shared terms (3 launches for Adam instead of ~10, 2 for SGD with momentum).
 */
import type { TensorInfo } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import { kernelSource, lit } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

/** A literal in parentheses, so a negative one reads right after an operator. */
const num = (value: number): string => `(${lit(Math.fround(value))})`;

function run(
  backend: Parameters<typeof gpuOf>[0],
  like: TensorInfo,
  inputs: TensorInfo[],
  lines: string[],
): TensorInfo {
  return gpuOf(backend).compute(kernelSource(inputs.length, lines.join('\n')), like.shape, like.dtype, inputs);
}

const adamUpdate: KernelFn<'AdamUpdate'> = ({ inputs: { param, grad, m, v }, attrs, backend }) => {
  const { lr, beta1, beta2, eps, weightDecay, decoupled, step } = attrs;
  const first = step === 1;
  const p = weightDecay !== 0 && decoupled ? `a0[i] * ${num(1 - lr * weightDecay)}` : 'a0[i]';
  const g = weightDecay !== 0 && !decoupled ? `a1[i] + a0[i] * ${num(weightDecay)}` : 'a1[i]';
  const gm = `g * ${num(1 - beta1)}`;
  const gg = `(g * ${num(1 - beta2)}) * g`;
  const common = [
    `const g = ${g};`,
    `const m = ${first ? gm : `a2[i] * ${num(beta1)} + ${gm}`};`,
    `const v = ${first ? gg : `a3[i] * ${num(beta2)} + ${gg}`};`,
  ];
  const inputs = first ? [param, grad] : [param, grad, m, v];
  const denom = `Math.sqrt(v) / ${num(Math.sqrt(1 - beta2 ** step))} + ${num(eps)}`;
  const negStep = num(-(lr / (1 - beta1 ** step)));
  return [
    run(backend, param, inputs, [...common, `const p = ${p};`, `return p + (m * ${negStep}) / (${denom});`]),
    run(backend, param, inputs, [...common, 'return m;']),
    run(backend, param, inputs, [...common, 'return v;']),
  ] as const;
};

const sgdUpdate: KernelFn<'SGDUpdate'> = ({ inputs: { param, grad, buf }, attrs, backend }) => {
  const { lr, momentum, dampening, nesterov, weightDecay, firstStep } = attrs;
  const d = weightDecay !== 0 ? `a1[i] + a0[i] * ${num(weightDecay)}` : 'a1[i]';
  if (momentum === 0) {
    return [run(backend, param, [param, grad], [`const d = ${d};`, `return a0[i] - d * ${num(lr)};`]), buf] as const;
  }
  const b = firstStep ? 'd' : `a2[i] * ${num(momentum)} + d * ${num(1 - dampening)}`;
  const inputs = firstStep ? [param, grad] : [param, grad, buf];
  const common = [`const d = ${d};`, `const b = ${b};`];
  const update = nesterov ? `d + b * ${num(momentum)}` : 'b';
  return [
    run(backend, param, inputs, [...common, `return a0[i] - (${update}) * ${num(lr)};`]),
    run(backend, param, inputs, [...common, 'return b;']),
  ] as const;
};

const reluBackward: KernelFn<'ReluBackward'> = ({ inputs: { dy, y }, backend }) =>
  run(backend, dy, [dy, y], ['return a1[i] > 0.0 ? a0[i] : 0.0;']);

export const optimKernels: GpuKernels<'AdamUpdate' | 'SGDUpdate' | 'ReluBackward'> = {
  AdamUpdate: adamUpdate,
  SGDUpdate: sgdUpdate,
  ReluBackward: reluBackward,
};
