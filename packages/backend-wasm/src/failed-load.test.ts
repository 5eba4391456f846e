/**
 * A failed loadModel leaves no tensor behind on the wasm backend (@nn/layers' own failed-load test runs on cpu):
 * 1,000 failures, each checked, whether the rebuilt model or the layers built before a bad one were allocated.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linear, loadModel, ReLU, Sequential, serializeModule, serializeSafetensors } from '@nn/layers';
import { FormatError, getBackend, memory, setBackend, type Tensor } from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import './index';

beforeAll(() => setBackend('wasm'));
afterAll(() => setBackend('cpu'));

/** A model directory in the 0.1 layout (which every version loads): model.json with `architecture`, `weights`. */
function modelDir(architecture: unknown, weights: Record<string, Tensor>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nn-wasm-failed-load-'));
  writeFileSync(
    join(dir, 'model.json'),
    JSON.stringify({ format: 'nn-model', version: 1, architecture, saveId: 's', metadata: {} }),
  );
  writeFileSync(join(dir, 'model.safetensors'), serializeSafetensors(weights, { format: 'nn-model', saveId: 's' }));
  return dir;
}

describe('failed loads on wasm', () => {
  it('1,000 failed loadModel calls leave memory().numTensors unchanged after each', async () => {
    expect(getBackend().name).toBe('wasm');
    const weights = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2)).stateDict();
    const linear = (inFeatures: number, outFeatures: number) => ({
      className: 'Linear',
      config: { inFeatures, outFeatures, bias: true },
    });
    const dirs = [
      modelDir(serializeModule(new Sequential(new Linear(3, 5))), weights),
      modelDir({ className: 'Sequential', config: {}, children: [linear(3, 4), linear(4, 2), linear(2, -2)] }, weights),
    ];
    let leaked = 0;
    for (let i = 0; i < 1000; i++) {
      const before = memory().numTensors;
      await expect(loadModel(dirs[i % 2]!)).rejects.toThrow(FormatError);
      leaked += Math.max(0, memory().numTensors - before);
    }
    expect(leaked).toBe(0);
  });
});
