import type { KernelFn } from '../../backend/interface';
import type { KernelName } from '../../kernels/contract';
import { attentionKernels } from './attention';
import { binaryKernels } from './binary';
import { convKernels } from './conv';
import { indexingKernels } from './indexing';
import { matmulKernels } from './matmul';
import { normalizationKernels } from './normalization';
import { optimKernels } from './optim';
import { poolKernels } from './pool';
import { recurrentKernels } from './recurrent';
import { reduceKernels } from './reduce';
import { selectionKernels } from './selection';
import { shapeKernels } from './shape';
import { softmaxKernels } from './softmax';
import { unaryKernels } from './unary';

/**
 * Every kernel of the contract (a missing one is a compile error). They only use the `Backend` storage
 * interface, so the engine can run them against any backend's data as the fallback.
 */
export const cpuKernels: { [K in KernelName]: KernelFn<K> } = {
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
  ...normalizationKernels,
  ...attentionKernels,
  ...selectionKernels,
  ...recurrentKernels,
};
