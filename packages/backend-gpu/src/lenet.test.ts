/**
 * LeNet-5 trained on the gpu backend (gpu.js headlessgl: the real GLSL path, on Mesa's software GL) reaches the
 * accuracy the CPU backend reaches from the same seed and the same data: the device kernels agree not only
 * kernel by kernel (the conformance suite) but over a whole training run, where small differences compound.
 */
import { loadMnist } from '@nn/data';
import { crossEntropy, evaluate, fit, lenet5 } from '@nn/layers';
import { Adam } from '@nn/optim';
import { getBackend, manualSeed, registerBackend, setBackend } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Display, ensureDisplay } from '../test/xvfb';
import { createGpuBackend } from './backend';
import { modeSupported } from './gpujs';

const requireHeadlessGl = process.env.NN_REQUIRE_HEADLESSGL === '1';
let display: Display | null = null;
beforeAll(async () => {
  display = await ensureDisplay();
}, 30_000);
afterAll(() => display?.stop());

async function trainLeNet(backend: string): Promise<{ accuracy: number; losses: number[]; fallback: string[] }> {
  await setBackend(backend);
  getBackend().kernelCoverage().resetCounts();
  manualSeed(0);
  const train = await loadMnist('train');
  const test = await loadMnist('test');
  const model = lenet5();
  const optimizer = new Adam(model.parameters(), { lr: 2e-3 });
  const history = await fit(
    model,
    { x: train.images.slice([0, 0, 0, 0], [2048, -1, -1, -1]), y: train.labels.slice([0], [2048]) },
    { epochs: 2, batchSize: 64, optimizer, loss: crossEntropy, verbose: false, seed: 0 },
  );
  const result = await evaluate(
    model,
    { x: test.images.slice([0, 0, 0, 0], [1000, -1, -1, -1]), y: test.labels.slice([0], [1000]) },
    { loss: crossEntropy, metrics: ['accuracy'], batchSize: 250 },
  );
  const fallback = Object.keys(getBackend().kernelCoverage().fallbackCalls);
  await setBackend('cpu');
  return { accuracy: Number(result.accuracy), losses: history.loss, fallback };
}

describe('LeNet-5 on the gpu backend', () => {
  it('reaches the CPU backend accuracy from the same seed (headlessgl)', async (context) => {
    if (display?.reason || !modeSupported('headlessgl')) {
      const reason = `gpu/headlessgl LeNet-5: skipped: ${display?.reason ?? 'the gl module is unavailable'}`;
      if (requireHeadlessGl) throw new Error(`${reason} (NN_REQUIRE_HEADLESSGL=1)`);
      console.log(reason);
      context.skip();
    }
    if (!engine.registeredBackends().includes('gpu-headlessgl-lenet')) {
      registerBackend('gpu-headlessgl-lenet', () => createGpuBackend({ mode: 'headlessgl' }), 0);
    }
    const cpu = await trainLeNet('cpu');
    const started = performance.now();
    const gpu = await trainLeNet('gpu-headlessgl-lenet');
    const seconds = (performance.now() - started) / 1e3;
    console.log(
      `LeNet-5, 2 epochs on 2,048 images: cpu ${(cpu.accuracy * 100).toFixed(1)}%, gpu/headlessgl ${(gpu.accuracy * 100).toFixed(1)}% ` +
        `(${seconds.toFixed(1)} s); losses cpu [${cpu.losses.map((l) => l.toFixed(4))}] gpu [${gpu.losses.map((l) => l.toFixed(4))}]`,
    );
    expect(cpu.accuracy).toBeGreaterThan(0.8);
    expect(Math.abs(gpu.accuracy - cpu.accuracy)).toBeLessThanOrEqual(0.02);
    for (const [i, loss] of gpu.losses.entries())
      expect(Math.abs(loss - cpu.losses[i]!) / cpu.losses[i]!).toBeLessThan(0.05);
    expect(gpu.fallback, 'kernels that fell back to the CPU on the training path').toEqual([]);
  }, 900_000);
});
