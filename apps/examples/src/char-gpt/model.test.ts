import { Generator, manualSeed, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../shared/backend';
import { batchIds, loadShakespeare, sequentialBatches } from './data';
import { GPT, learningRate } from './model';

describe('char-gpt data', () => {
  it("splits tinyshakespeare as nanoGPT's prepare.py: 65 characters, 1,003,854 train and 111,540 val ids", () => {
    const data = loadShakespeare();
    expect(data.chars.length).toBe(65);
    expect([data.train.length, data.val.length]).toEqual([1_003_854, 111_540]);
    expect(data.decode(data.encode('First Citizen:'))).toBe('First Citizen:');
    const { x, y } = batchIds(data.train, 2, 8, new Generator(0));
    expect(Array.from(x.subarray(1, 8))).toEqual(Array.from(y.subarray(0, 7)));
  });

  it('sequentialBatches predicts every id of a split once: consecutive windows, y = x shifted by one', () => {
    const ids = Int32Array.from({ length: 23 }, (_, i) => i);
    const batches = [...sequentialBatches(ids, 2, 4)];
    // (23 - 1) / 4 = 5 whole windows: batches of 2, 2 and 1.
    expect(batches.map((b) => b.x.shape)).toEqual([
      [2, 4],
      [2, 4],
      [1, 4],
    ]);
    const xs = batches.flatMap((b) => Array.from(b.x.dataSync()));
    const ys = batches.flatMap((b) => Array.from(b.y.dataSync()));
    expect(xs).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(ys).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const b of batches) {
      b.x.dispose();
      b.y.dispose();
    }
  });
});

describe('char-gpt model', () => {
  const config = { blockSize: 8, vocabSize: 65, nLayer: 2, nHead: 2, nEmbd: 16 };

  it("has nanoGPT's parameters: no Linear biases, lm_head tied to wte", async () => {
    await useBackend('wasm');
    manualSeed(0);
    const names = new GPT(config).namedParameters().map(([name]) => name);
    expect(names).toContain('h.1.attn.in_proj_weight');
    expect(names).toContain('h.0.mlp.c_proj.weight');
    expect(names.filter((n) => n.endsWith('.bias') && !n.includes('ln_'))).toEqual([]);
    expect(names.filter((n) => n.includes('lm_head'))).toEqual([]);
  });

  it('is causal: changing a later token leaves the logits of earlier positions unchanged', async () => {
    await useBackend('wasm');
    manualSeed(0);
    const model = new GPT(config);
    const a = model.forward(tensor([[1, 2, 3, 4, 5, 6]], [1, 6], 'int32')).dataSync();
    const b = model.forward(tensor([[1, 2, 3, 4, 9, 6]], [1, 6], 'int32')).dataSync();
    const before = 4 * config.vocabSize;
    expect(Array.from(b.subarray(0, before))).toEqual(Array.from(a.subarray(0, before)));
    expect(Array.from(b.subarray(before))).not.toEqual(Array.from(a.subarray(before)));
  });

  it("follows nanoGPT's learning rate: linear warm-up, cosine to minLr", () => {
    const schedule = { lr: 1e-3, minLr: 1e-4, warmupIters: 100, lrDecayIters: 2000 };
    expect(learningRate(0, schedule)).toBe(0);
    expect(learningRate(50, schedule)).toBeCloseTo(5e-4, 12);
    expect(learningRate(100, schedule)).toBeCloseTo(1e-3, 12);
    expect(learningRate(1050, schedule)).toBeCloseTo(5.5e-4, 12);
    expect(learningRate(2000, schedule)).toBeCloseTo(1e-4, 12);
  });
});
