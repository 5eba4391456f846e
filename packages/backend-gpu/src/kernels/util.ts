/** What every kernel file shares: the typed backend behind a kernel's `backend` argument. */
import { type Backend, type KernelName, StateError } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import { GpuBackend } from '../backend';

export function gpuOf(backend: Backend): GpuBackend {
  if (!(backend instanceof GpuBackend)) throw new StateError(`gpu kernel called with backend '${backend.name}'`);
  return backend;
}

/** A kernel map fragment: each family file exports one. */
export type GpuKernels<K extends KernelName> = { [N in K]: KernelFn<N> };
