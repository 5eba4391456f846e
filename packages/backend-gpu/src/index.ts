/**
 * @nn/backend-gpu: a gpu.js backend for @nn/tensor. Importing it registers backend 'gpu'.
 * @example
 * import '@nn/backend-gpu';
 * import { setBackend } from '@nn/tensor';
 * await setBackend('gpu');
 */
import { registerGpuBackend } from './register';

registerGpuBackend();

export {
  createGpuBackend,
  GpuBackend,
  type GpuBackendOptions,
  GpuData,
  type GpuMemoryInfo,
  pickGpuMode,
  webGpuAvailable,
} from './backend';
export { hardwareGpuPresent } from './detect';
export type { DeviceStats } from './device';
export { GPU_MODES, type GpuMode, modeSupported } from './gpujs';
export { gpuKernels } from './kernels';
export { GPU_NOT_IMPLEMENTED } from './not-implemented';
export { registerGpuBackend };
