/** Importing the package registers the 'wasm' backend, above cpu (priority 1): `await setBackend('wasm')`. */
import { registerBackend } from '@nn/tensor';
import { createWasmBackend } from './backend';

registerBackend('wasm', () => createWasmBackend(), 2);
