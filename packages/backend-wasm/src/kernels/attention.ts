/** attention: the CPU kernels over wasm storage (declared in WASM_NOT_IMPLEMENTED) until the native ones land. */
import type { KernelFn } from '@nn/tensor/backend';
import { cpuFallback } from './fallback';

export const attentionKernels = {
  Attention: ((args) => cpuFallback('Attention', args)) as KernelFn<'Attention'>,
  AttentionBackward: ((args) => cpuFallback('AttentionBackward', args)) as KernelFn<'AttentionBackward'>,
};
