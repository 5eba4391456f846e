/**
 * The reference (CPU) kernels run directly on wasm storage, for the cases this backend has no wasm code for
 * yet (int32 arithmetic, some data movement). Better than the engine's fallback, which would move the input
 * tensors to the CPU backend for good (and back again at the next wasm kernel): here inputs are read
 * through views of the heap and only the output is copied in. Which kernels take this path is listed in
 * `WASM_KERNEL_PATHS` (see index.ts), so it is never silent.
 */
import type { Backend, DataId, KernelName } from '@nn/tensor';
import { cpuKernels, type KernelArgs, type KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';

function viewsOf(backend: WasmBackend): Backend {
  return {
    name: backend.name,
    kernels: backend.kernels,
    floatPrecision: () => backend.floatPrecision(),
    supportsDType: (dtype) => backend.supportsDType(dtype),
    write: (values, shape, dtype, owned) => backend.write(values, shape, dtype, owned),
    // Safe as a view: reference kernels read all their inputs before they write their one output.
    readSync: (dataId: DataId) => backend.view(dataId),
    read: (dataId: DataId) => backend.read(dataId),
    disposeData: (dataId: DataId) => backend.disposeData(dataId),
    numDataIds: () => backend.numDataIds(),
  };
}

/** Runs the CPU backend's kernel `name` over this backend's storage. */
export function runReference<K extends KernelName>(name: K, args: KernelArgs<K>): ReturnType<KernelFn<K>> {
  const kernel = cpuKernels[name] as KernelFn<K>;
  return kernel({ ...args, backend: viewsOf(args.backend as WasmBackend) });
}

/** A kernel that is the reference kernel over wasm storage. */
export function referenceKernel<K extends KernelName>(name: K): KernelFn<K> {
  return (args) => runReference(name, args);
}
