// Serves the bundle from 127.0.0.1 and runs the conformance suite in Debian's Chromium (playwright-core),
// once per gpu.js mode. Usage: node test/browser/run.mjs [webgl2 webgl webgpu ...]; prints one JSON line per mode.
// `node test/browser/run.mjs --webgpu-checks` runs the webgpu-only checks (test/browser/webgpu-checks.ts).
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { bundleForPage, withBrowser as withPage } from '../../../../tooling/browser/harness.mjs';

export { browserAvailable, CHROMIUM } from '../../../../tooling/browser/harness.mjs';

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

/** Chromium (with WebGPU enabled) on a page running this package's bundle (entry.ts). */
async function withBrowser(run) {
  const script = await bundleForPage(build, new URL('./entry.ts', import.meta.url));
  return withPage({ chromium, script, title: 'gpu conformance', args: ['--enable-unsafe-webgpu'] }, run);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const modes = process.argv.slice(2);
  if (modes.includes('--webgpu-checks')) console.log(JSON.stringify(await runWebGpuChecksInBrowser(), null, 1));
  else
    for (const r of await runInBrowser(modes.length > 0 ? modes : ['webgl2', 'webgl', 'webgpu']))
      console.log(JSON.stringify(r));
}
