/**
 * The seam between io/ and a file system. Nothing here imports one, so the main entry of @nn/layers bundles for
 * the browser; under Node the `node` export condition loads src/node.ts, which installs Node's implementation
 * (io/node-files.ts) before anything can call it.
 */
import { StateError } from '@nn/tensor';

/** What io/ needs from a file system. */
export interface FileAccess {
  /** Reads a whole file. */
  read(file: string): Promise<Uint8Array>;
  /**
   * Replaces `file` with `chunks`, all or nothing: a crash at any instant leaves the old file or the new one,
   * never a mix; once the promise resolves the new file is durable. A chunk that throws leaves the old file.
   */
  writeAtomic(file: string, chunks: Iterable<Uint8Array>): Promise<void>;
  /** Creates `dir` and its missing parents. */
  makeDir(dir: string): Promise<void>;
  /** The path of `name` inside `dir`. */
  join(dir: string, name: string): string;
}

let installed: FileAccess | undefined;

/** Installs (or, with undefined, removes) the file system io/ uses for paths. */
export function setFileAccess(access: FileAccess | undefined): FileAccess | undefined {
  const previous = installed;
  installed = access;
  return previous;
}

/** The installed file system; a StateError naming `what` where there is none (in the browser). */
export function fileAccess(what: string): FileAccess {
  if (installed === undefined) {
    throw new StateError(
      `${what}: file paths need Node.js (the 'node' export condition of @nn/layers); in the browser use bytes: ` +
        'serializeModel/deserializeModel, serializeSafetensors/parseSafetensors',
    );
  }
  return installed;
}
