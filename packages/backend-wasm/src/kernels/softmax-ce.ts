/** Fused softmax cross-entropy per row, in wasm (see assembly/softmax.ts). */
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { runReference } from './reference';

const softmaxCrossEntropy: KernelFn<'SoftmaxCrossEntropy'> = (args) => {
  const { logits, target } = args.inputs;
  if (logits.dtype !== 'float32' || target.dtype !== 'float32') return runReference('SoftmaxCrossEntropy', args);
  const backend = args.backend as WasmBackend;
  const [rows, classes] = logits.shape as [number, number];
  const { info, data } = backend.output([rows], 'float32');
  backend.exports.softmaxCrossEntropy(backend.ptr(logits), backend.ptr(target), data.ptr, rows, classes);
  return info;
};

export const softmaxCrossEntropyKernels = { SoftmaxCrossEntropy: softmaxCrossEntropy };
