/**
 * The calls this backend leaves to the reference CPU kernels (int32 convolution and pooling: see
 * `WASM_NOT_IMPLEMENTED` in backend.ts), run directly on wasm storage and reported as fallbacks. Better than the
 * engine's own fallback, which would move the input tensors to the CPU backend for good (and back again at the
 * next wasm kernel): here inputs are read through views of the heap and only the output is copied in.
 */
import type { Backend, DataId, KernelName } from '@nn/tensor';
import { type KernelArgs, type KernelOutput, runCpuKernel } from '@nn/tensor/backend';
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

/** Runs the CPU kernel `name` over this backend's storage and reports the call as a fallback. */
export function cpuFallback<K extends KernelName>(name: K, args: KernelArgs<K>): KernelOutput<K> {
  return runCpuKernel(name, { ...args, backend: viewsOf(args.backend as WasmBackend) });
}
