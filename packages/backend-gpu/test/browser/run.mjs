// Serves the bundle from 127.0.0.1 and runs the conformance suite in Debian's Chromium (playwright-core),
// once per gpu.js mode. Usage: node test/browser/run.mjs [webgl2 webgl webgpu ...]; prints one JSON line per mode.
// `node test/browser/run.mjs --webgpu-checks` runs the webgpu-only checks (test/browser/webgpu-checks.ts).
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { bundle } from './build.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function runInBrowser(modes) {
  return withBrowser(async (open) => {
    const results = [];
    for (const mode of modes) {
      const { tab, errors } = await open();
      try {
        results.push(await tab.evaluate((m) => window.runGpuConformance(m), mode));
      } catch (error) {
        results.push({ mode, error: String(error).slice(0, 2000), pageErrors: errors });
      }
      await tab.close();
    }
    return results;
  });
}

/** The webgpu-only checks of webgpu-checks.ts (synchronous reads, errors, training), in one page. */
export async function runWebGpuChecksInBrowser() {
  return withBrowser(async (open) => {
    const { tab } = await open();
    try {
      return await tab.evaluate(() => window.runWebGpuChecks());
    } finally {
      await tab.close();
    }
  });
}

async function withBrowser(run) {
  const script = await bundle();
  const page = '<!doctype html><meta charset="utf-8"><title>gpu conformance</title><script src="/bundle.js"></script>';
  const server = createServer((req, res) => {
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    if (req.url === '/bundle.js') res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(script);
    else res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(page);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--enable-unsafe-webgpu',
    ],
  });
  const open = async () => {
    const tab = await browser.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    await tab.goto(`http://127.0.0.1:${port}/`);
    return { tab, errors };
  };
  try {
    return await run(open);
  } finally {
    await browser.close();
    server.close();
  }
}

export const browserAvailable = () => existsSync(CHROMIUM);

if (import.meta.url === `file://${process.argv[1]}`) {
  const modes = process.argv.slice(2);
  if (modes.includes('--webgpu-checks')) console.log(JSON.stringify(await runWebGpuChecksInBrowser(), null, 1));
  else
    for (const r of await runInBrowser(modes.length > 0 ? modes : ['webgl2', 'webgl', 'webgpu']))
      console.log(JSON.stringify(r));
}
