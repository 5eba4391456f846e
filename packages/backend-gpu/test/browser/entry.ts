// The browser bundle: the conformance suite and the backend, driven from the page by the Node test.
import { registerBackend } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { runConformance } from '@nn/tensor/testing';
import { createGpuBackend } from '../../src/backend';
import type { GpuMode } from '../../src/gpujs';
import { runWebGpuChecks, type WebGpuChecks } from './webgpu-checks';

declare global {
  interface Window {
    runGpuConformance(mode: GpuMode): Promise<unknown>;
    runWebGpuChecks(): Promise<WebGpuChecks>;
  }
}

/** Registers `gpu-<mode>` (once per page) and returns its name. */
function register(mode: GpuMode): string {
  const name = `gpu-${mode}`;
  if (!engine.registeredBackends().includes(name)) registerBackend(name, () => createGpuBackend({ mode }), 0);
  return name;
}

window.runWebGpuChecks = () => runWebGpuChecks(register('webgpu'));

window.runGpuConformance = async (mode) => {
  const name = register(mode);
  const started = performance.now();
  const report = await runConformance(name, { tolerance: 1e-4 });
  return {
    mode,
    passed: report.passed.length,
    failed: report.failed,
    skipped: report.skipped.length,
    skippedNames: report.skipped,
    seconds: (performance.now() - started) / 1000,
  };
};
