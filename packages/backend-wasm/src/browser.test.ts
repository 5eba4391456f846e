/**
 * The wasm backend in Chromium (driven by playwright-core): the bundle (esbuild, @nn/* from their sources, see
 * test/browser/) is served from 127.0.0.1 twice, on a cross-origin-isolated page (COOP/COEP: shared memory, a
 * Web Worker pool) and on a plain one (no SharedArrayBuffer: the single-threaded fallback). On each, with the
 * split thresholds at 1 so even tiny kernels go through the pool, the conformance suite runs and small conv and
 * matmul results are compared bit for bit between 1 and 2 threads. Skipped, with the reason printed, where no
 * Chromium is installed (CHROMIUM_PATH overrides /usr/bin/chromium).
 */
import { conformanceCases } from '@nn/tensor/testing';
import { expect, it } from 'vitest';
import type { WasmPageReport } from '../test/browser/entry';
import { browserAvailable, CHROMIUM, runWasmInBrowser, type WasmPageResult } from '../test/browser/run.mjs';

const haveBrowser = browserAvailable();
/** Only float64 cases are skipped: float64 tensors live on the cpu backend. */
const float64Cases = conformanceCases.filter((c) => c.dtypes?.includes('float64')).map((c) => c.name);

function line(result: WasmPageResult): string {
  const page = result.isolated ? 'isolated page' : 'plain page';
  const r = result.report;
  if (!r) return `wasm/browser ${page}: ${result.error} ${result.pageErrors.join('; ')}`;
  const c = r.conformance;
  return (
    `wasm/browser ${page}: crossOriginIsolated ${r.crossOriginIsolated}, threads ${r.threadsSetting}, lanes ${r.lanes}` +
    ` (workers ${r.workerCount}, ready after ${r.waitedMs} ms); conformance ${c.passed} passed, ${c.failed.length} failed,` +
    ` ${c.skippedNames.length} skipped in ${c.seconds.toFixed(1)} s; worker calls ${r.workerCalls}/${r.pooledCalls}` +
    ` after it, ${r.finalWorkerCalls}/${r.finalPooledCalls} at the end` +
    (r.extraRunsForWorkers > 0 ? ` (+${r.extraRunsForWorkers} extra runs)` : '') +
    `; 1 vs 2 threads: ${r.identical.filter((i) => i.differing.length === 0).length}/${r.identical.length} bit-identical` +
    (r.error ? `; error: ${r.error}` : '')
  );
}

/** What both pages must show: a working backend that passes the suite. */
function expectConformance(result: WasmPageResult): WasmPageReport {
  expect(result.error).toBeUndefined();
  expect(result.pageErrors).toEqual([]);
  const report = result.report!;
  expect(report.error).toBeUndefined();
  expect(report.conformance.failed).toEqual([]);
  // Chromium has relaxed SIMD on by default: the suite ran on the relaxed build.
  expect(report.simd).toBe('relaxed');
  expect(report.conformance.skippedNames.sort()).toEqual([...float64Cases].sort());
  expect(report.conformance.passed).toBe(conformanceCases.length - float64Cases.length);
  for (const { name, length, differing } of report.identical) {
    expect(length, name).toBeGreaterThan(0);
    expect(differing, `${name}: 2 threads vs 1`).toEqual([]);
  }
  return report;
}

/** Both pages run in one browser session, once, for both tests (null, with the reason printed, without Chromium). */
let pages: Promise<[WasmPageResult, WasmPageResult]> | undefined;
async function browserPages(context: { skip: () => void }): Promise<[WasmPageResult, WasmPageResult] | null> {
  if (!haveBrowser) {
    console.warn(`wasm/browser: skipped: no Chromium at ${CHROMIUM}`);
    context.skip();
    return null;
  }
  pages ??= runWasmInBrowser().then((results) => {
    for (const result of results) console.log(line(result));
    return results as [WasmPageResult, WasmPageResult];
  });
  return pages;
}

it('cross-origin isolated: runs on 2 lanes, workers compute, passes the suite, 1 and 2 threads agree', async (context) => {
  const [isolated] = (await browserPages(context)) ?? [];
  if (!isolated) return;
  expect(isolated.isolated).toBe(true);
  const report = expectConformance(isolated);
  expect(report.crossOriginIsolated).toBe(true);
  expect(report.sharedArrayBuffer).toBe(true);
  expect(report.sharedMemory).toBe(true);
  expect(report.threadsSetting).toBe(2);
  // lanes() is 1 + the pool's ready workers.
  expect(report.lanes).toBe(2);
  expect(report.workerCount).toBe(1);
  // The kernels were split (thresholds at 1), in the conformance run and in the 2-thread comparison...
  expect(report.pooledCalls).toBeGreaterThan(0);
  expect(report.finalPooledCalls).toBeGreaterThan(report.pooledCalls);
  // ...and the worker, not only the page's thread, ran some of the calls.
  expect(report.finalWorkerCalls).toBeGreaterThan(0);
}, 180_000);

it('without COOP/COEP: not isolated, single-threaded whatever the setting, passes the suite', async (context) => {
  const [, plain] = (await browserPages(context)) ?? [];
  if (!plain) return;
  expect(plain.isolated).toBe(false);
  const report = expectConformance(plain);
  expect(report.crossOriginIsolated).toBe(false);
  expect(report.sharedArrayBuffer).toBe(false);
  expect(report.sharedMemory).toBe(false);
  // setWasmThreads(2) was called: without shared memory it reads back as 1.
  expect(report.threadsSetting).toBe(1);
  expect(report.lanes).toBe(1);
  expect(report.workerCount).toBe(0);
  expect(report.finalPooledCalls).toBe(0);
  expect(report.finalWorkerCalls).toBe(0);
}, 180_000);
