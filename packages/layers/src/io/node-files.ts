/**
 * The file system of io/ under Node (loaded by the `node` entry only: see files.ts).
 *
 * Atomic replacement: the data goes to a temporary file next to the target, `.<name>.<pid>.<random>.tmp`, which
 * is fsynced, renamed over the target (one atomic step), and the directory is fsynced so the rename itself
 * survives a power cut. After a successful replacement, temporaries of the same target left by processes that
 * died mid-write (SIGKILL, power loss) are removed; no other file is ever touched.
 */
import * as nodeFs from 'node:fs/promises';
import * as path from 'node:path';
import type { FileAccess } from './files';

/** The parts of node:fs/promises used here (a test passes one that fails or stalls on purpose). */
export type NodeFs = Pick<typeof nodeFs, 'mkdir' | 'open' | 'readdir' | 'readFile' | 'rename' | 'rm'>;

/** Temporary files this process is writing right now: never stale, whatever their name says. */
const writing = new Set<string>();

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches the temporaries of `target` (see the module comment); group 1 is the writer's pid. */
export function tempPattern(target: string): RegExp {
  return new RegExp(`^\\.${escapeRegExp(target)}\\.(\\d+)\\.[a-z0-9]+\\.tmp$`);
}

function tempName(target: string): string {
  return `.${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
}

/** True when a process `pid` exists (EPERM: it exists but belongs to someone else). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Node's file system for io/; `fs` is node:fs/promises unless a test injects faults. */
export function nodeFileAccess(fs: NodeFs = nodeFs): FileAccess {
  return {
    async read(file) {
      const buffer = await fs.readFile(file);
      // A plain Uint8Array over the Buffer's bytes: Buffer#slice would be a view where callers expect a copy.
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    },
    async writeAtomic(file, chunks) {
      const target = path.resolve(file);
      const dir = path.dirname(target);
      const temp = path.join(dir, tempName(path.basename(target)));
      writing.add(temp);
      try {
        await writeSynced(fs, temp, chunks);
        await fs.rename(temp, target);
      } catch (error) {
        await fs.rm(temp, { force: true }).catch(() => undefined);
        throw error;
      } finally {
        writing.delete(temp);
      }
      await syncDir(fs, dir);
      await removeStaleTemps(fs, dir, path.basename(target));
    },
    async makeDir(dir) {
      await fs.mkdir(dir, { recursive: true });
    },
    join: (dir, name) => path.join(dir, name),
  };
}

/** Writes `chunks` to a new file `temp` and fsyncs it. */
async function writeSynced(fs: NodeFs, temp: string, chunks: Iterable<Uint8Array>): Promise<void> {
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
  } finally {
    await handle.close();
  }
}

/** Makes a rename in `dir` durable; not supported everywhere (Windows), where it is skipped. */
async function syncDir(fs: NodeFs, dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}

/**
 * Removes the temporaries of `target` in `dir` whose writer is gone: not being written by this process, and
 * named after this process's pid (an earlier process with the same pid) or no running process. Housekeeping
 * only: a failure here never fails the save that just succeeded.
 */
async function removeStaleTemps(fs: NodeFs, dir: string, target: string): Promise<void> {
  const pattern = tempPattern(target);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const file = path.join(dir, name);
    const pid = Number(match[1]);
    if (writing.has(file) || (pid !== process.pid && isRunning(pid))) continue;
    // Not recursive: a directory that happens to match the pattern is left alone.
    await fs.rm(file, { force: true }).catch(() => undefined);
  }
}
