/** Every kernel the gpu backend implements; the rest of the contract falls back to the CPU kernels. */
import type { KernelName } from '@nn/tensor';
import type { KernelMap } from '@nn/tensor/backend';
import { binaryKernels } from './binary';
import { convKernels } from './conv';
import { indexingKernels } from './indexing';
import { matmulKernels } from './matmul';
import { optimKernels } from './optim';
import { poolKernels } from './pool';
import { reduceKernels } from './reduce';
import { shapeKernels } from './shape';
import { softmaxKernels } from './softmax-ce';
import { unaryKernels } from './unary';

/** The gpu backend's kernel map. */
export const gpuKernels: KernelMap = {
  ...binaryKernels,
  ...unaryKernels,
  ...reduceKernels,
  ...shapeKernels,
  ...indexingKernels,
  ...matmulKernels,
  ...convKernels,
  ...poolKernels,
  ...softmaxKernels,
  ...optimKernels,
};

/**
 * Kernels of the contract this backend leaves to the CPU fallback, declared (the backend's `notImplemented`):
 * layerNorm and attention wait for native shaders after the gpu migration to the spec seam.
 */
export const GPU_FALLBACK_KERNELS: readonly KernelName[] = [
  'LayerNorm',
  'LayerNormBackward',
  'Attention',
  'AttentionBackward',
];
