/** normalization: the CPU kernels over wasm storage (declared in WASM_NOT_IMPLEMENTED) until the native ones land. */
import type { KernelFn } from '@nn/tensor/backend';
import { cpuFallback } from './fallback';

export const normalizationKernels = {
  LayerNorm: ((args) => cpuFallback('LayerNorm', args)) as KernelFn<'LayerNorm'>,
  LayerNormBackward: ((args) => cpuFallback('LayerNormBackward', args)) as KernelFn<'LayerNormBackward'>,
};
