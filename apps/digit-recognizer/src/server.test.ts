import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../test/http-get';
import { resolveUnder, serve } from './server';

describe('server', () => {
  const root = mkdtempSync(join(tmpdir(), 'nn-serve-'));
  const webRoot = join(root, 'web');
  const modelDir = join(root, 'model');
  let server: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    mkdirSync(webRoot);
    mkdirSync(modelDir);
    writeFileSync(join(webRoot, 'index.html'), '<h1>page</h1>');
    writeFileSync(join(modelDir, 'model.json'), '{"ok":true}');
    writeFileSync(join(root, 'secret.txt'), 'secret');
    server = await serve({ webRoot, modelDir, port: 0 });
  });
  afterAll(() => server.close());

  it('binds 127.0.0.1 and serves the page and the model with COOP/COEP headers', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(server.url, '/');
    expect(page.status).toBe(200);
    expect(page.body).toBe('<h1>page</h1>');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['cross-origin-embedder-policy']).toBe('require-corp');
    const model = await get(server.url, '/model/model.json');
    expect(model.status).toBe(200);
    expect(model.headers['content-type']).toContain('application/json');
  });

  it('rejects path traversal in every spelling', async () => {
    for (const path of [
      '/../secret.txt',
      '/model/../secret.txt',
      '/%2e%2e/secret.txt',
      '/model/%2E%2E%2Fsecret.txt',
      '/..%5csecret.txt',
      '/%00',
      '/index.html%00.png',
      '/..%2f..%2fsecret.txt',
      '/model/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/%c0%ae%c0%ae/secret.txt', // overlong UTF-8 for '..': invalid, refused
      '/%', // malformed escape: refused, not thrown
      `/${root}/secret.txt`, // an absolute path stays under the root
      'http://127.0.0.1/../secret.txt', // absolute-form request target
    ]) {
      const res = await get(server.url, path);
      expect([403, 404], path).toContain(res.status);
      expect(res.body).not.toContain('secret');
    }
    expect(resolveUnder(webRoot, '../secret.txt')).toBeNull();
    expect(resolveUnder(webRoot, '%2e%2e/secret.txt')).toBeNull();
    expect(resolveUnder(webRoot, 'a/b.js')).toBe(join(webRoot, 'a', 'b.js'));
  });

  it('answers 404 for missing files and 405 for other methods', async () => {
    expect((await get(server.url, '/nope.js')).status).toBe(404);
    expect((await get(server.url, '/', 'POST')).status).toBe(405);
  });
});
