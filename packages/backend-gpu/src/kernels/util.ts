/**
 * What every kernel file shares: the typed backend behind a kernel's `backend` argument. The check is a brand, not
 * `instanceof GpuBackend`: backend.ts imports the kernel map, so a runtime import of it here would be a cycle.
 */
import { type Backend, type KernelName, StateError } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import type { GpuBackend } from '../backend';

/** Set on every GpuBackend (see `gpuOf`). */
export const GPU_BACKEND: unique symbol = Symbol('nn.gpuBackend');

/** `backend` as the GpuBackend it is; a StateError if a gpu kernel got another backend. */
export function gpuOf(backend: Backend): GpuBackend {
  if (!(GPU_BACKEND in backend)) throw new StateError(`gpu kernel called with backend '${backend.name}'`);
  return backend as GpuBackend;
}

/** A kernel map fragment: each family file exports one. */
export type GpuKernels<K extends KernelName> = { [N in K]: KernelFn<N> };
