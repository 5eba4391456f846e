/**
 * The conformance suite in Chromium (driven by playwright-core), in gpu.js's webgl2, webgl and webgpu modes: the
 * bundle (esbuild, @nn/* from their sources) is served from 127.0.0.1 and the results come back here. Then the
 * webgpu-only checks: synchronous reads, errors surfacing on read, and a flat-memory training run. Skipped, with the
 * reason printed, where no Chromium is installed (CHROMIUM_PATH overrides /usr/bin/chromium).
 */
import { conformanceCases, unsupportedCases } from '@nn/tensor/testing';
import { expect, it } from 'vitest';
import { browserAvailable, CHROMIUM, runInBrowser, runWebGpuChecksInBrowser } from '../test/browser/run.mjs';
import { createGpuBackend } from './backend';

const haveBrowser = browserAvailable();

function skipWithoutBrowser(context: { skip: () => void }): boolean {
  if (haveBrowser) return false;
  console.warn(`gpu/browser: skipped: no Chromium at ${CHROMIUM}`);
  context.skip();
  return true;
}

it('passes the conformance suite in Chromium (webgl2, webgl, webgpu)', async (context) => {
  if (skipWithoutBrowser(context)) return;
  const results = await runInBrowser(['webgl2', 'webgl', 'webgpu']);
  for (const r of results) {
    console.log(
      r.error
        ? `gpu/${r.mode} (browser): ${r.error}`
        : `gpu/${r.mode} (browser): ${r.passed} passed, ${r.failed?.length} failed, ${r.skipped} skipped in ${r.seconds?.toFixed(1)} s`,
    );
  }
  // Skipped: exactly the cases whose metadata needs a dtype the backend cannot store (the same in every mode).
  const backend = createGpuBackend({ mode: 'cpu' });
  const unsupported = unsupportedCases(backend);
  backend.dispose();
  for (const r of results) {
    expect(r.error).toBeUndefined();
    expect(r.failed).toEqual([]);
    expect(r.skippedNames).toEqual(unsupported);
    expect(r.passed).toBe(conformanceCases.length - unsupported.length);
  }
}, 300_000);

it('webgpu: reads, errors and a training run with flat memory', async (context) => {
  if (skipWithoutBrowser(context)) return;
  const checks = await runWebGpuChecksInBrowser();
  console.log(`gpu/webgpu (browser) checks: ${JSON.stringify(checks)}`);
  expect(checks.readSyncOfWritten).toBe('ok [1,2,3]');
  expect(checks.readSyncOfComputed).toMatch(/^threw StateError: .*use await data\(\) on the webgpu backend/);
  expect(checks.readSyncAfterRead).toBe('ok [1,4,9]');
  expect(checks.errorSurfacesOnRead).toMatch(/^read rejected: .*bytes/);
  // Native kernels take device-computed inputs; a declared one (a CPU fallback) cannot read them on webgpu.
  const erf = [-0.8427, 0.5205, 0.9953, 1];
  expect(checks.onComputedInputs).toEqual({
    gelu: 'ok [-0.1587,0.3457,1.9545,2.996]',
    erf: `ok ${JSON.stringify(erf)}`,
    cumsum: 'ok [-1,-0.5,2,5]',
    layerNorm: 'ok [-1,1,-1,1]',
    'conv2d grouped dilated': 'ok [16.5,56]',
    // Causal: the first query sees only the first key; the second mixes both rows.
    scaledDotProductAttention: expect.stringMatching(/^ok \[-1,0\.5,/),
    'topk (declared)': expect.stringMatching(/^threw StateError: .*use await data\(\) on the webgpu backend/),
  });
  const run = checks.training.manualSgdTanh!;
  expect(run.error).toBeUndefined();
  expect(run.last!).toBeLessThan(run.first!);
  expect(run.final).toEqual(run.afterWarmup);
  expect(run.fallbackCalls).toBe('{}');
}, 300_000);
