/**
 * The seam between @nn/onnx and a file system. Nothing here imports one, so the main entry bundles for the
 * browser; under Node the `node` export condition loads src/node.ts, which installs Node's fs before any call.
 */
import { StateError } from '@nn/tensor';

/** What exportOnnx/loadOnnx need from a file system. */
export interface OnnxFiles {
  read(file: string): Promise<Uint8Array>;
  write(file: string, bytes: Uint8Array): Promise<void>;
}

let installed: OnnxFiles | undefined;

/** Installs (or, with undefined, removes) the file system paths go through; returns the previous one. */
export function setOnnxFiles(files: OnnxFiles | undefined): OnnxFiles | undefined {
  const previous = installed;
  installed = files;
  return previous;
}

/** The installed file system; a StateError naming `what` where there is none (in the browser). */
export function onnxFiles(what: string): OnnxFiles {
  if (installed === undefined) {
    throw new StateError(
      `${what}: file paths need Node.js (the 'node' export condition of @nn/onnx); in the browser use bytes: ` +
        'exportOnnxBytes, loadOnnx(bytes)',
    );
  }
  return installed;
}
