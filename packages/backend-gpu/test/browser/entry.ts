// The browser bundle: the conformance suite and the backend, driven from the page by the Node test.
import { registerBackend } from '@nn/tensor';
import { runConformance } from '@nn/tensor/testing';
import { createGpuBackend } from '../../src/backend';
import type { GpuMode } from '../../src/gpujs';

declare global {
  interface Window {
    runGpuConformance(mode: GpuMode): Promise<unknown>;
  }
}

window.runGpuConformance = async (mode) => {
  const name = `gpu-${mode}`;
  registerBackend(name, () => createGpuBackend({ mode }), 0);
  const started = performance.now();
  const report = await runConformance(name, { tolerance: 1e-4 });
  return {
    mode,
    passed: report.passed.length,
    failed: report.failed,
    skipped: report.skipped.length,
    seconds: (performance.now() - started) / 1000,
  };
};
