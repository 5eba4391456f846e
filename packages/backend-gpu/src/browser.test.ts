/**
 * The conformance suite in Chromium (driven by playwright-core), in gpu.js's webgl2 and webgl modes: the bundle
 * (esbuild, @nn/* from their sources) is served from 127.0.0.1 and the results come back here. Skipped, with the
 * reason printed, where no Chromium is installed (CHROMIUM_PATH overrides /usr/bin/chromium).
 */
import { expect, it } from 'vitest';
import { browserAvailable, CHROMIUM, runInBrowser } from '../test/browser/run.mjs';

it('passes the conformance suite in Chromium (webgl2, webgl)', async (context) => {
  if (!browserAvailable()) {
    console.warn(`gpu/browser: skipped: no Chromium at ${CHROMIUM}`);
    context.skip();
    return;
  }
  const results = await runInBrowser(['webgl2', 'webgl']);
  for (const r of results) {
    console.log(
      r.error
        ? `gpu/${r.mode} (browser): ${r.error}`
        : `gpu/${r.mode} (browser): ${r.passed} passed, ${r.failed?.length} failed, ${r.skipped} skipped in ${r.seconds?.toFixed(1)} s`,
    );
  }
  for (const r of results) {
    expect(r.error).toBeUndefined();
    expect(r.failed).toEqual([]);
    expect(r.passed).toBeGreaterThan(200);
  }
}, 240_000);
