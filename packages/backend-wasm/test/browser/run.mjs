// Runs test/browser/entry.ts (the wasm backend, its worker pool and the conformance suite) in Debian's Chromium
// (playwright-core) on two pages served from 127.0.0.1: one cross-origin isolated (COOP/COEP: shared memory and
// Web Workers) and one plain (single-threaded fallback). Usage: node test/browser/run.mjs; prints one JSON report
// per page. The kernels are rebuilt first when assembly/ changed (a no-op otherwise), as the vitest setup does.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { bundleForPage, withBrowser } from '../../../../tooling/browser/harness.mjs';

export { browserAvailable, CHROMIUM } from '../../../../tooling/browser/harness.mjs';

/** The page reports, isolated page first: { isolated, report } or { isolated, error, pageErrors }. */
export async function runWasmInBrowser() {
  const script = await bundleForPage(build, new URL('./entry.ts', import.meta.url));
  return withBrowser({ chromium, script, title: 'wasm backend' }, async (open) => {
    const results = [];
    for (const isolated of [true, false]) {
      const { tab, errors } = await open({ isolated });
      try {
        results.push({ isolated, report: await tab.evaluate(() => window.runWasmChecks()), pageErrors: errors });
      } catch (error) {
        results.push({ isolated, error: String(error).slice(0, 2000), pageErrors: errors });
      }
      await tab.close();
    }
    return results;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const buildWasm = fileURLToPath(new URL('../../scripts/build-wasm.mjs', import.meta.url));
  if (spawnSync(process.execPath, [buildWasm], { stdio: 'inherit' }).status !== 0) process.exit(1);
  for (const result of await runWasmInBrowser()) console.log(JSON.stringify(result));
}
