/** File access in Node only: `node:fs` is imported lazily, so the byte-level API works in the browser. */
import { StateError } from '@nn/tensor';

type Fs = typeof import('node:fs/promises');

function fs(what: string): Promise<Fs> {
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') {
    return Promise.reject(new StateError(`${what}: file paths need Node.js; in the browser pass bytes instead`));
  }
  return import('node:fs/promises');
}

export async function writeBytes(path: string, bytes: Uint8Array, what: string): Promise<void> {
  await (await fs(what)).writeFile(path, bytes);
}

export async function readBytes(path: string, what: string): Promise<Uint8Array> {
  const buffer = await (await fs(what)).readFile(path);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
