/**
 * @nn/backend-wasm: a WebAssembly SIMD128 backend for @nn/tensor. Importing it registers backend 'wasm'.
 * @example
 * import '@nn/backend-wasm';
 * import { setBackend } from '@nn/tensor';
 * await setBackend('wasm');
 */
import { registerWasmBackend } from './register';

registerWasmBackend();

export {
  createWasmBackend,
  WASM_NOT_IMPLEMENTED,
  WasmBackend,
  type WasmBackendOptions,
  WasmData,
} from './backend';
export { wasmKernels } from './kernels';
export { relaxedSimdSupported, type SimdMode } from './module';
export { availableCores, getWasmThreads, setWasmThreads } from './threads';
export { registerWasmBackend };
