/** Fused softmax cross-entropy per row: -sum(target * logSoftmax(logits)), stable (max subtracted first). */
import type { KernelFn } from '@nn/tensor/backend';
import { kernelSource, lit } from '../codegen';
import { type GpuKernels, gpuOf } from './util';

const softmaxCrossEntropy: KernelFn<'SoftmaxCrossEntropy'> = ({
  inputs: { logits, target },
  outputs: [out],
  backend,
}) => {
  const classes = logits.shape[1]!;
  const c = lit(classes);
  const body = `const base = i * ${c};
let m = a0[base];
for (let k = 1.0; k < ${c}; k += 1.0) { const v = a0[base + k]; if (v > m) { m = v; } }
let s = 0.0;
for (let k = 0.0; k < ${c}; k += 1.0) { s += Math.exp(a0[base + k] - m); }
const lse = m + Math.log(s);
let loss = 0.0;
for (let k = 0.0; k < ${c}; k += 1.0) {
const t = a1[base + k];
if (t != 0.0) { loss -= t * (a0[base + k] - lse); }
}
return loss;`;
  return gpuOf(backend).compute(kernelSource(2, body), out.shape, out.dtype, [logits, target]);
};

export const softmaxKernels: GpuKernels<'SoftmaxCrossEntropy'> = { SoftmaxCrossEntropy: softmaxCrossEntropy };
