/**
 * The conformance suite in each gpu.js mode Node can run, plus a 500-step training leak check.
 * headlessgl needs an X display: the test starts Xvfb itself. Where Xvfb or the `gl` native module is missing the
 * headlessgl run is skipped with the reason printed, unless NN_REQUIRE_HEADLESSGL=1 (set by .ci/run), which turns
 * the skip into a failure.
 */
import { Conv2d, crossEntropy, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@nn/layers';
import { SGD } from '@nn/optim';
import { getBackend, manualSeed, memory, randn, registerBackend, setBackend, tensor } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { checkKernelMap, conformanceCases, runConformance, unsupportedCases } from '@nn/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Display, ensureDisplay } from '../test/xvfb';
import { createGpuBackend, GpuBackend } from './backend';
import { type GpuMode, modeSupported } from './gpujs';

const TOLERANCE = 1e-4;
const requireHeadlessGl = process.env.NN_REQUIRE_HEADLESSGL === '1';

let display: Display | null = null;
beforeAll(async () => {
  display = await ensureDisplay();
}, 30_000);
afterAll(() => display?.stop());

/** Registers `gpu-<mode>` once; returns null (with the reason) where the mode cannot run here. */
function backendFor(mode: GpuMode): string | null {
  if (mode === 'headlessgl' && display?.reason) return null;
  if (!modeSupported(mode)) return null;
  const name = `gpu-${mode}`;
  if (!engine.registeredBackends().includes(name)) registerBackend(name, () => createGpuBackend({ mode }), 0);
  return name;
}

function unavailable(mode: GpuMode): string {
  if (mode === 'headlessgl') {
    return display?.reason ?? 'the `gl` module did not load or could not create a context (see gl install logs)';
  }
  return `gpu.js reports mode '${mode}' unsupported here`;
}

const MODES: readonly GpuMode[] = ['headlessgl', 'webasm', 'cpu'];

describe.each(MODES)('gpu backend in gpu.js %s mode', (mode) => {
  it('passes the conformance suite', async (context) => {
    const name = backendFor(mode);
    if (name === null) {
      const reason = `gpu/${mode}: skipped: ${unavailable(mode)}`;
      if (mode === 'headlessgl' && requireHeadlessGl) throw new Error(`${reason} (NN_REQUIRE_HEADLESSGL=1)`);
      console.warn(reason);
      context.skip();
      return;
    }
    const started = performance.now();
    // A kernel that ran on the CPU fallback fails its case unless the backend declares it in `notImplemented`.
    const report = await runConformance(name, { tolerance: TOLERANCE });
    const backend = engine.registeredBackends().includes(name) ? await gpuBackend(name) : null;
    console.log(
      `gpu/${mode}: ${report.passed.length} passed, ${report.failed.length} failed, ${report.skipped.length} skipped ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s; ${JSON.stringify(backend?.stats())}`,
    );
    expect(report.failed).toEqual([]);
    // Skipped: exactly the cases whose metadata needs a dtype this backend cannot store (float64); the rest pass.
    const unsupported = unsupportedCases(backend!);
    expect(report.skipped).toEqual(unsupported);
    expect(report.passed.length).toBe(conformanceCases.length - unsupported.length);
  }, 240_000);
});

describe('gpu backend kernel map', () => {
  it('has every kernel of the spec, except those it declares as not implemented', () => {
    const backend = createGpuBackend({ mode: 'cpu' });
    try {
      expect(checkKernelMap(backend)).toEqual([]);
    } finally {
      backend.dispose();
    }
  });
});

async function gpuBackend(name: string): Promise<GpuBackend> {
  const previous = getBackend().name;
  await setBackend(name);
  const backend = getBackend().backend;
  await setBackend(previous);
  if (!(backend instanceof GpuBackend)) throw new Error(`${name} is not a GpuBackend`);
  return backend;
}

describe('gpu backend training', () => {
  it('runs 500 steps of a small CNN with flat tensor and texture counts, and no CPU fallback', async () => {
    const mode: GpuMode | undefined = (['headlessgl', 'webasm', 'cpu'] as const).find((m) => backendFor(m) !== null);
    if (mode === undefined) throw new Error('no gpu.js mode available');
    if (mode !== 'headlessgl' && requireHeadlessGl) throw new Error(`leak test: ${unavailable('headlessgl')}`);
    const name = backendFor(mode)!;
    const previous = getBackend().name;
    await setBackend(name);
    try {
      const backend = getBackend().backend as GpuBackend;
      manualSeed(0);
      const model = new Sequential(
        new Conv2d(1, 2, 3, { padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(2 * 4 * 4, 3),
      );
      const opt = new SGD(model.parameters(), { lr: 0.05 });
      const x = randn([4, 1, 8, 8], { seed: 1 });
      const y = tensor([0, 1, 2, 1], undefined, 'int32');
      const coverage = getBackend().kernelCoverage();
      const snapshot = () => ({ ...memory(), liveArrays: backend.stats().liveArrays });
      let first = 0;
      let last = 0;
      let afterWarmup = snapshot();
      const started = performance.now();
      coverage.resetCounts();
      for (let step = 0; step < 500; step++) {
        const loss = opt.step(() => crossEntropy(model.forward(x), y));
        if (step === 0) first = loss.item();
        if (step === 499) last = loss.item();
        loss.dispose();
        if (step === 9) afterWarmup = snapshot();
      }
      const final = snapshot();
      console.log(
        `gpu/${mode}: 500 CNN steps in ${((performance.now() - started) / 1000).toFixed(1)} s, loss ${first.toFixed(4)} -> ${last.toFixed(4)}; ` +
          `memory ${JSON.stringify(final)}; ${JSON.stringify(backend.stats())}`,
      );
      expect(final).toEqual(afterWarmup);
      expect(last).toBeLessThan(first);
      expect(getBackend().kernelCoverage().fallbackCalls).toEqual({});
      x.dispose();
      y.dispose();
    } finally {
      await setBackend(previous);
    }
  }, 240_000);
});
