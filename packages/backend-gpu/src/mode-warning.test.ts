/**
 * Where only gpu.js's CPU modes work (Node without headless-gl or a display), `setBackend('gpu')` warns once that it
 * runs on the CPU and says how to pick a mode, and `getBackend().mode` names the mode. gpu.js's mode detection is
 * replaced here so the test does not depend on the machine; each test loads the modules afresh (a fresh process, as
 * far as the once-per-process warning is concerned).
 */
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import type { GpuMode } from './gpujs';

vi.mock('./gpujs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./gpujs')>();
  return { ...actual, modeSupported: (mode: GpuMode) => mode === 'webasm' || mode === 'cpu' };
});

let savedMode: string | undefined;
let warn: MockInstance<typeof process.emitWarning>;
beforeEach(() => {
  savedMode = process.env.NN_GPU_MODE;
  delete process.env.NN_GPU_MODE;
  vi.resetModules();
  warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
});
afterEach(() => {
  if (savedMode === undefined) delete process.env.NN_GPU_MODE;
  else process.env.NN_GPU_MODE = savedMode;
  warn.mockRestore();
});

function warnings(): string[] {
  return warn.mock.calls.map(([message]) => String(message));
}

describe('the gpu backend without a GPU mode', () => {
  it("setBackend('gpu') warns once that it runs on the CPU in webasm mode, and getBackend().mode says so", async () => {
    const tensor = await import('@nn/tensor');
    await import('./index');
    const { createGpuBackend } = await import('./backend');
    await tensor.setBackend('gpu');
    try {
      expect(tensor.getBackend().mode).toBe('webasm');
      expect(warnings()).toHaveLength(1);
      expect(warnings()[0]).toMatch(/runs in gpu\.js's 'webasm' mode, on the CPU/);
      expect(warnings()[0]).toMatch(/NN_GPU_MODE=<mode> or createGpuBackend\(\{ mode \}\)/);
      expect(warn.mock.calls[0]![1]).toEqual({ code: 'NN_GPU_CPU_MODE' });
      createGpuBackend().dispose();
      expect(warnings()).toHaveLength(1);
    } finally {
      tensor.removeBackend('gpu');
    }
  });

  it('does not warn for a mode asked for by option or NN_GPU_MODE', async () => {
    const { createGpuBackend } = await import('./backend');
    const chosen = createGpuBackend({ mode: 'cpu' });
    process.env.NN_GPU_MODE = 'webasm';
    const fromEnv = createGpuBackend();
    expect([chosen.mode, fromEnv.mode]).toEqual(['cpu', 'webasm']);
    expect(warnings()).toEqual([]);
    chosen.dispose();
    fromEnv.dispose();
  });

  it('refuses a mode that cannot run here, and an unknown NN_GPU_MODE, with a StateError', async () => {
    const { createGpuBackend } = await import('./backend');
    const { StateError } = await import('@nn/tensor');
    expect(() => createGpuBackend({ mode: 'headlessgl' })).toThrow(StateError);
    expect(() => createGpuBackend({ mode: 'headlessgl' })).toThrow("gpu.js mode 'headlessgl' is not available here");
    process.env.NN_GPU_MODE = 'webgl3';
    expect(() => createGpuBackend()).toThrow(/NN_GPU_MODE='webgl3': expected one of webgpu, webgl2, .*, cpu/);
    expect(warnings()).toEqual([]);
  });

  it("other backends have no mode: getBackend().mode is undefined on 'cpu'", async () => {
    const tensor = await import('@nn/tensor');
    await tensor.setBackend('cpu');
    expect(tensor.getBackend().mode).toBeUndefined();
  });
});
