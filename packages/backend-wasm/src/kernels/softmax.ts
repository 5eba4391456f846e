/** Fused softmax cross-entropy per row, in wasm (see assembly/softmax.ts); the spec admits float inputs only. */
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';

const softmaxCrossEntropy: KernelFn<'SoftmaxCrossEntropy'> = ({
  inputs: { logits, target },
  outputs: [out],
  backend: base,
}) => {
  const backend = base as WasmBackend;
  const [rows, classes] = logits.shape as [number, number];
  const { info, data } = backend.output(out.shape, out.dtype);
  backend.exports.softmaxCrossEntropy(backend.ptr(logits), backend.ptr(target), data.ptr, rows, classes);
  return info;
};

export const softmaxKernels = { SoftmaxCrossEntropy: softmaxCrossEntropy };
