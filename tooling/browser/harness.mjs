// Shared by the packages' Chromium tests (backend-gpu, backend-wasm): bundles a test entry with esbuild (@nn/*
// resolved to their sources, so no package build is needed), serves it from 127.0.0.1 and drives Debian's
// Chromium through playwright-core. The caller passes in esbuild's `build` and playwright's `chromium`, so each
// package keeps declaring (and pinning) the tools its tests use; this module itself imports nothing outside Node.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

// biome-ignore lint/suspicious/noUndeclaredEnvVars: turbo.json is not ours to change here; CHROMIUM_PATH only picks the browser.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const browserAvailable = () => existsSync(CHROMIUM);

/** Flags for a headless Chromium that works as root, offline, without background traffic. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const packagesDir = fileURLToPath(new URL('../../packages/', import.meta.url));

/** Pages under this path are served without COOP/COEP, so they are not cross-origin isolated. */
const NOT_ISOLATED = '/not-isolated/';

/**
 * An esbuild plugin resolving `@nn/<pkg>` and `@nn/<pkg>/<sub>` to the packages' sources, so no build is needed.
 * With `node: true`, a package with a `node` export condition resolves to its src/node.ts, as Node would load it.
 */
export function nnSources({ node = false } = {}) {
  const hasNodeEntry = (pkg) => existsSync(`${packagesDir}${pkg}/src/node.ts`) && nodeCondition(pkg);
  return {
    name: 'nn-sources',
    setup(b) {
      b.onResolve({ filter: /^@nn\/[a-z0-9-]+(\/[a-z0-9-]+)?$/ }, (args) => {
        const [, , pkg, sub] = args.path.split(/[@/]/);
        if (sub) return { path: `${packagesDir}${pkg}/src/${sub}/index.ts` };
        return { path: `${packagesDir}${pkg}/src/${node && hasNodeEntry(pkg) ? 'node' : 'index'}.ts` };
      });
    },
  };
}

function nodeCondition(pkg) {
  return JSON.parse(readFileSync(`${packagesDir}${pkg}/package.json`, 'utf8')).exports?.['.']?.node !== undefined;
}

/** Bundles `entry` (a path or file: URL) into one classic script for the page. */
export async function bundleForPage(build, entry) {
  const result = await build({
    entryPoints: [entry instanceof URL ? fileURLToPath(entry) : entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    plugins: [nnSources()],
  });
  return result.outputFiles[0].text;
}

/**
 * Serves `script` in a blank page on 127.0.0.1 and launches Chromium headless, then calls `run(open)`; closes both
 * afterwards. `open({ isolated })` loads the page in a new tab, by default with COOP/COEP headers (cross-origin
 * isolated: SharedArrayBuffer, threads), and returns the tab and the page errors seen so far.
 */
export async function withBrowser({ chromium, script, title = 'nn browser test', args = [] }, run) {
  const page = `<!doctype html><meta charset="utf-8"><title>${title}</title><script src="bundle.js"></script>`;
  const server = createServer((req, res) => {
    const headers = req.url?.startsWith(NOT_ISOLATED)
      ? {}
      : { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    if (req.url?.endsWith('/bundle.js'))
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(script);
    else res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(page);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...args] });
    const open = async ({ isolated = true } = {}) => {
      const tab = await browser.newPage();
      const errors = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      await tab.goto(`http://127.0.0.1:${port}${isolated ? '/' : NOT_ISOLATED}`);
      return { tab, errors };
    };
    return await run(open);
  } finally {
    await browser?.close();
    server.close();
  }
}
