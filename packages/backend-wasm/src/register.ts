/** Registration of the 'wasm' backend, above cpu (priority 1); the package entry point calls it on import. */
import { registerBackend } from '@nn/tensor';
import { createWasmBackend } from './backend';

/**
 * Registers backend 'wasm'. Called from the entry points rather than left as a bare side-effect import,
 * because bundlers (esbuild inside tsup, Vite, webpack) drop a side-effect-only import of a module they
 * believe pure: registration must be a statement of the entry module itself.
 */
export function registerWasmBackend(): void {
  registerBackend('wasm', () => createWasmBackend(), 2);
}
