/**
 * The package entry point registers the 'gpu' backend on import. Its priority is 0 (below cpu's 1 and wasm's 2) unless
 * a hardware GPU answers: gpu.js falls back to software renderers (Mesa llvmpipe under headless-gl,
 * SwiftShader in browsers) and to webasm/cpu modes, none of which should become the default silently.
 * Select it with `await setBackend('gpu')`.
 */
import { registerBackend } from '@nn/tensor';
import { createGpuBackend } from './backend';
import { hardwareGpuPresent } from './detect';

/**
 * Registers backend 'gpu'. The entry point calls it rather than relying on a side-effect import, which
 * bundlers drop from modules they believe pure (see "sideEffects").
 */
export function registerGpuBackend(): void {
  registerBackend('gpu', () => createGpuBackend(), hardwareGpuPresent() ? 3 : 0);
}
