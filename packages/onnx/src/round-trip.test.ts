import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linear, lenet5, type Module, ReLU, Sequential, Softmax } from '@nn/layers';
import { manualSeed, randn, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { LstmClassifier, SmallResNet } from '../test/models';
import { maxDiff } from '../test/ort';
import { exportOnnx, exportOnnxBytes, loadOnnx } from './node';

/** The largest difference between the model's outputs and its export's, loaded back, on `x`. */
async function roundTrip(model: Module, sample: Tensor, x: Tensor): Promise<number> {
  const loaded = await loadOnnx(exportOnnxBytes(model, sample));
  model.eval();
  const ours = model.forward(x) as Tensor | Record<string, unknown>;
  const back = loaded.forward(x);
  if (back instanceof Object && !('dataSync' in back)) {
    const record = back as Record<string, Tensor>;
    const mine = ours as { logits: Tensor; hidden: [Tensor, Tensor] };
    return Math.max(
      maxDiff(record.logits!.dataSync(), mine.logits.dataSync()),
      maxDiff(record['hidden.0']!.dataSync(), mine.hidden[0].dataSync()),
      maxDiff(record['hidden.1']!.dataSync(), mine.hidden[1].dataSync()),
    );
  }
  return maxDiff((back as Tensor).dataSync(), (ours as Tensor).dataSync());
}

describe('export -> loadOnnx -> forward gives the model outputs (the same kernels: equal)', () => {
  it('an MLP with softmax', async () => {
    manualSeed(5);
    const model = new Sequential(new Linear(6, 16), new ReLU(), new Linear(16, 4), new Softmax(-1));
    expect(await roundTrip(model, randn([3, 6]), randn([5, 6]))).toBe(0);
  });

  it('LeNet-5, through a file', async () => {
    manualSeed(6);
    const model = lenet5();
    const dir = mkdtempSync(join(tmpdir(), 'nn-onnx-'));
    try {
      const path = join(dir, 'lenet.onnx');
      await exportOnnx(model, randn([2, 1, 28, 28]), path, { inputNames: ['images'], outputNames: ['logits'] });
      const loaded = await loadOnnx(path);
      expect(loaded.inputNames).toEqual(['images']);
      expect(loaded.outputNames).toEqual(['logits']);
      const x = randn([3, 1, 28, 28]);
      expect(maxDiff((loaded.forward(x) as Tensor).dataSync(), model.eval().forward(x).dataSync())).toBe(0);
      expect(loaded.namedParameters().map(([n]) => n)).toEqual(model.namedParameters().map(([n]) => n));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a small ResNet with BatchNorm', async () => {
    manualSeed(7);
    const model = new SmallResNet();
    for (let i = 0; i < 2; i++) model.forward(randn([4, 1, 16, 16]).add(0.5)).dispose();
    expect(await roundTrip(model, randn([2, 1, 16, 16]), randn([3, 1, 16, 16]))).toBe(0);
  });

  it('a 2-layer LSTM and its final state', async () => {
    manualSeed(8);
    expect(await roundTrip(new LstmClassifier(), randn([2, 6, 5]), randn([3, 6, 5]))).toBe(0);
  });
});
