// File-system failures while serving: each must become a 4xx/5xx answer and the server must keep serving.
// Running as root (as CI does) ignores permission bits, so EACCES is produced by the mocked open below; a file
// vanishing between the lookup and the read is produced the same way, deterministically.
import { execFileSync } from 'node:child_process';
import { constants, mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { get } from '../test/http-get';
import { serve } from './server';

const VANISHING = 'vanishing.js';
const LOCKED = 'locked.js';

function accessDenied(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES', path });
}

// Whatever call the server uses to find or open a file, the vanishing file is deleted right after it, and the
// locked one fails to open as an unprivileged process would see it.
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const watch =
    <A extends unknown[], R>(fn: (path: string, ...rest: A) => Promise<R>) =>
    async (path: string, ...rest: A): Promise<R> => {
      if (String(path).endsWith(LOCKED)) throw accessDenied(String(path));
      const result = await fn(path, ...rest);
      if (String(path).endsWith(VANISHING)) await fs.rm(path, { force: true });
      return result;
    };
  const patched = { stat: watch(fs.stat), lstat: watch(fs.lstat), open: watch(fs.open), access: watch(fs.access) };
  return { ...fs, ...patched, default: { ...fs, ...patched } };
});
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createReadStream = ((path: unknown, ...rest: unknown[]) => {
    if (String(path).endsWith(LOCKED)) {
      return new Readable({
        read() {
          this.destroy(accessDenied(String(path)));
        },
      });
    }
    return (fs.createReadStream as (...args: unknown[]) => Readable)(path, ...rest);
  }) as typeof fs.createReadStream;
  return { ...fs, createReadStream, default: { ...fs, createReadStream } };
});

describe('server file-system errors', () => {
  const root = mkdtempSync(join(tmpdir(), 'nn-serve-errors-'));
  const webRoot = join(root, 'web');
  const modelDir = join(root, 'model');
  const fifo = join(webRoot, 'pipe.js');
  let server: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    mkdirSync(webRoot);
    mkdirSync(modelDir);
    writeFileSync(join(webRoot, 'index.html'), '<h1>page</h1>');
    mkdirSync(join(webRoot, 'sub', 'index.html'), { recursive: true }); // a directory where a file is expected
    mkdirSync(join(webRoot, 'dir.js'));
    writeFileSync(join(webRoot, VANISHING), 'console.log("still here");');
    writeFileSync(join(webRoot, LOCKED), 'secret');
    if (process.platform !== 'win32') execFileSync('mkfifo', [fifo]);
    server = await serve({ webRoot, modelDir, port: 0 });
  });
  afterAll(async () => {
    // Releases a reader that an old server might have left blocked on the FIFO.
    try {
      openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch {}
    await server.close();
  });

  async function expectStillServing(): Promise<void> {
    const page = await get(server.url, '/');
    expect([page.status, page.body]).toEqual([200, '<h1>page</h1>']);
  }

  it('answers 404 for a directory where a file is expected (EISDIR) and keeps serving', async () => {
    expect((await get(server.url, '/sub')).status).toBe(404);
    expect((await get(server.url, '/sub/index.html')).status).toBe(404);
    expect((await get(server.url, '/dir.js')).status).toBe(404);
    await expectStillServing();
  });

  it('serves a file that vanishes after it was looked up in full, or answers 404, and keeps serving', async () => {
    const res = await get(server.url, `/${VANISHING}`);
    expect([200, 404]).toContain(res.status);
    if (res.status === 200) expect(res.body).toBe('console.log("still here");');
    expect((await get(server.url, `/${VANISHING}`)).status).toBe(404);
    await expectStillServing();
  });

  it('answers 403 for a file it may not read (EACCES) and keeps serving', async () => {
    const res = await get(server.url, `/${LOCKED}`);
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('secret');
    await expectStillServing();
  });

  it.skipIf(process.platform === 'win32')('answers 404 for a FIFO instead of blocking on it', async () => {
    expect((await get(server.url, '/pipe.js')).status).toBe(404);
    await expectStillServing();
  });
});
