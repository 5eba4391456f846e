/**
 * The gpu backend's kernel map, one file per kernel family (see CONTRIBUTING.md). What it leaves to the CPU kernels
 * is declared in ../not-implemented.ts, and the conformance suite checks both against the spec.
 */
import type { KernelMap } from '@nn/tensor/backend';
import { attentionKernels } from './attention';
import { binaryKernels } from './binary';
import { convKernels } from './conv';
import { indexingKernels } from './indexing';
import { matmulKernels } from './matmul';
import { normalizationKernels } from './normalization';
import { optimKernels } from './optim';
import { poolKernels } from './pool';
import { reduceKernels } from './reduce';
import { shapeKernels } from './shape';
import { softmaxKernels } from './softmax';
import { unaryKernels } from './unary';
import { unaryMathKernels } from './unary-math';

/** The gpu backend's kernel map. */
export const gpuKernels: KernelMap = {
  ...binaryKernels,
  ...unaryKernels,
  ...unaryMathKernels,
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
};
