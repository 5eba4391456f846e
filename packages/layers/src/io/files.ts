/**
 * File access for io/, in Node only: `node:fs` is imported lazily so the browser-safe parts of @nn/layers
 * never load it. Writes are atomic: data goes to a temporary file in the target's directory, is fsynced,
 * then renamed over the target, so a crash or error mid-write never leaves a half-written file behind.
 */
import { StateError } from '@nn/tensor';

type Fs = typeof import('node:fs/promises');
type PathModule = typeof import('node:path');

let modules: Promise<{ fs: Fs; path: PathModule }> | undefined;

/** node:fs/promises and node:path, loaded on first use; a clear error outside Node. */
export function nodeModules(what: string): Promise<{ fs: Fs; path: PathModule }> {
  if (typeof process === 'undefined' || typeof process.versions?.node !== 'string') {
    return Promise.reject(new StateError(`${what}: file paths need Node.js; in the browser pass bytes instead`));
  }
  modules ??= Promise.all([import('node:fs/promises'), import('node:path')]).then(([fs, path]) => ({ fs, path }));
  return modules;
}

/** Where a file is written before it is renamed over `target`. */
export interface PendingFile {
  target: string;
  temp: string;
}

/**
 * Writes `chunks` to a temporary file next to `target` and fsyncs it; `commit` renames it over the target.
 * If producing or writing a chunk throws, the temporary file is removed and the target is untouched.
 */
export async function writeTemp(target: string, chunks: Iterable<Uint8Array>, what: string): Promise<PendingFile> {
  const { fs, path } = await nodeModules(what);
  const dir = path.dirname(path.resolve(target));
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const handle = await fs.open(temp, 'wx');
  try {
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, written, chunk.length - written);
        written += bytesWritten;
      }
    }
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true });
    throw error;
  }
  return { target, temp };
}

/** Renames every pending file over its target, in order, then fsyncs the directories (best effort). */
export async function commit(files: readonly PendingFile[], what: string): Promise<void> {
  const { fs, path } = await nodeModules(what);
  for (const file of files) await fs.rename(file.temp, file.target);
  const dirs = new Set(files.map((f) => path.dirname(path.resolve(f.target))));
  for (const dir of dirs) {
    // Makes the renames themselves durable; not supported everywhere (Windows), where it is skipped.
    const handle = await fs.open(dir, 'r').catch(() => undefined);
    await handle?.sync().catch(() => undefined);
    await handle?.close().catch(() => undefined);
  }
}

/** Removes temporary files that will not be committed. */
export async function discard(files: readonly PendingFile[], what: string): Promise<void> {
  const { fs } = await nodeModules(what);
  for (const file of files) await fs.rm(file.temp, { force: true });
}

/** Writes one file atomically. */
export async function writeFileAtomic(target: string, chunks: Iterable<Uint8Array>, what: string): Promise<void> {
  await commit([await writeTemp(target, chunks, what)], what);
}

/** Reads a whole file. */
export async function readBytes(file: string, what: string): Promise<Uint8Array> {
  const { fs } = await nodeModules(what);
  const buffer = await fs.readFile(file);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
