/**
 * The demo's web server: the built page and the trained model, nothing else. It binds 127.0.0.1 by default,
 * sends the cross-origin isolation headers WebAssembly threads need (COOP/COEP), and never serves a file
 * outside its two roots, whatever the URL says.
 */
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface ServeOptions {
  /** The built page (index.html and assets). */
  webRoot: string;
  /** The directory holding model.json and model.safetensors, served under /model/. */
  modelDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.safetensors': 'application/octet-stream',
  '.map': 'application/json; charset=utf-8',
};

const SECURITY_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

/**
 * Maps a URL path to a file under `root`, or null when it would leave `root` (`..`, encoded or not,
 * absolute paths, backslashes, NUL bytes).
 */
export function resolveUnder(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const base = resolve(root);
  const target = resolve(base, ...segments);
  const rel = relative(base, target);
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  return target;
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** The answer for a file-system error: a missing or unreadable file is the client's 404/403, anything else 500. */
function statusFor(error: unknown): [number, string] {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENAMETOOLONG' || code === 'ELOOP') {
    return [404, 'not found'];
  }
  if (code === 'EACCES' || code === 'EPERM') return [403, 'forbidden'];
  return [500, 'internal error'];
}

/**
 * Opens `file` (or `file/index.html` for a directory) as a regular file. The size and the bytes sent both come
 * from the open handle, so a file replaced or removed after the lookup cannot make the stream fail later.
 * O_NONBLOCK keeps a FIFO from blocking the open; it is refused as not a regular file.
 */
async function openRegularFile(file: string): Promise<{ handle: FileHandle; file: string; size: number } | null> {
  for (const candidate of [file, join(file, 'index.html')]) {
    const handle = await open(candidate, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = await handle.stat().catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
    if (info.isFile()) return { handle, file: candidate, size: info.size };
    await handle.close();
    if (!info.isDirectory()) return null;
  }
  return null;
}

async function handle(options: ServeOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
  const path = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
  let file: string | null;
  if (path.startsWith('/model/')) file = resolveUnder(options.modelDir, path.slice('/model/'.length));
  else file = resolveUnder(options.webRoot, path === '/' ? 'index.html' : path);
  if (file === null) return send(res, 403, 'forbidden');
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(file);
  } catch (error) {
    return send(res, ...statusFor(error));
  }
  if (opened === null) return send(res, 404, 'not found');
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': CONTENT_TYPES[extname(opened.file)] ?? 'application/octet-stream',
    'Content-Length': opened.size,
  });
  if (req.method === 'HEAD' || opened.size === 0) {
    await opened.handle.close();
    return void res.end();
  }
  // Never more than the Content-Length promised, even if the file grows meanwhile. pipeline closes the file
  // when the client goes away and rejects on a read error (answered by fail() below).
  await pipeline(opened.handle.createReadStream({ end: opened.size - 1 }), res);
}

/** Last resort for an unexpected failure: a 500 while nothing was sent, else cut the response short. */
function fail(res: ServerResponse): void {
  if (!res.headersSent) send(res, 500, 'internal error');
  else res.destroy();
}

/** Starts the server; resolves once it listens, with its URL. */
export async function serve(options: ServeOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch(() => fail(res));
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => done());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
