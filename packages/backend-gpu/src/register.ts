/**
 * Importing the package registers the 'gpu' backend. Its priority is 0 (below cpu's 1 and wasm's 2) unless
 * a hardware GPU answers: gpu.js falls back to software renderers (Mesa llvmpipe under headless-gl,
 * SwiftShader in browsers) and to webasm/cpu modes, none of which should become the default silently.
 * Select it with `await setBackend('gpu')`.
 */
import { registerBackend } from '@nn/tensor';
import { createGpuBackend } from './backend';
import { hardwareGpuPresent } from './detect';

registerBackend('gpu', () => createGpuBackend(), hardwareGpuPresent() ? 3 : 0);
