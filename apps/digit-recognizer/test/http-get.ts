import { request } from 'node:http';

/**
 * GETs (or another method) a raw path from a server, unnormalised, as a hostile client would send it (`fetch`
 * would resolve `..` first). Resolves with the status, headers and body.
 */
export function get(
  url: string,
  rawPath: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const req = request({ hostname, port, path: rawPath, method }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}
