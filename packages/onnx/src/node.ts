/**
 * @nn/onnx under Node (the `node` export condition): everything of the main entry, with file paths working in
 * `exportOnnx` and `loadOnnx`. Other runtimes load the main entry, which never imports a Node module.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { setOnnxFiles } from './files';

setOnnxFiles({
  read: async (file) => {
    const buffer = await readFile(file);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  },
  write: (file, bytes) => writeFile(file, bytes),
});

export * from './index';
