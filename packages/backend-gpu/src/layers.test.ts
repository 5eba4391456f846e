/**
 * Layer-level smoke run: every layer added to @nn/layers in 0.2 (its test/zoo.ts) runs forward and backward on the
 * gpu backend (headlessgl where it runs, else gpu.js's cpu mode) and gives the cpu backend's output and gradients.
 */
import { registerBackend } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zooMismatches } from '../../layers/test/zoo';
import { type Display, ensureDisplay } from '../test/xvfb';
import { createGpuBackend } from './backend';
import { type GpuMode, modeSupported } from './gpujs';

let display: Display | null = null;
beforeAll(async () => {
  display = await ensureDisplay();
}, 30_000);
afterAll(() => display?.stop());

describe('the 0.2 layers on the gpu backend', () => {
  it('give the cpu backend output and gradients', async () => {
    const headless = !display?.reason && modeSupported('headlessgl');
    if (!headless && process.env.NN_REQUIRE_HEADLESSGL === '1') {
      throw new Error(`layer smoke: headlessgl unavailable: ${display?.reason ?? 'the gl module did not load'}`);
    }
    const mode: GpuMode = headless ? 'headlessgl' : 'cpu';
    const name = `gpu-${mode}-layers`;
    if (!engine.registeredBackends().includes(name)) registerBackend(name, () => createGpuBackend({ mode }), 0);
    expect(await zooMismatches(name, 1e-4)).toEqual([]);
  }, 240_000);
});
