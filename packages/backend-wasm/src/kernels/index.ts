/**
 * The kernel map of the wasm backend, one file per kernel family (see CONTRIBUTING.md). The plain unary ops come
 * from the compiled module (see unary.ts), so the map is made per module; what the backend leaves to the CPU
 * kernels is declared in backend.ts (`WASM_NOT_IMPLEMENTED`), and the conformance suite checks both against the spec.
 */
import type { KernelMap } from '@nn/tensor/backend';
import type { KernelExports } from '../module';
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

/** Every kernel this backend implements, for a module with these exports. */
export function wasmKernels(exports: KernelExports): KernelMap {
  return {
    ...binaryKernels,
    ...unaryKernels(exports),
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
}
