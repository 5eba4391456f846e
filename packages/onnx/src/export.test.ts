import { Conv2d, Flatten, Linear, lenet5, MaxPool2d, ReLU, Sequential } from '@nn/layers';
import { manualSeed, randn } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { maxDiff, runOrt } from '../test/ort';
import { exportOnnxBytes } from './export';

describe('exportOnnxBytes', () => {
  it('an MLP runs in ONNX Runtime with the same outputs', async () => {
    manualSeed(1);
    const model = new Sequential(new Linear(6, 16), new ReLU(), new Linear(16, 3));
    const x = randn([4, 6]);
    const bytes = exportOnnxBytes(model, x);
    const out = await runOrt(bytes, { input: x });
    expect(out.output!.dims).toEqual([4, 3]);
    expect(maxDiff(out.output!.data, model.forward(x).dataSync())).toBeLessThan(1e-4);
  });
  it('LeNet-5', async () => {
    manualSeed(2);
    const model = lenet5();
    const x = randn([2, 1, 28, 28]);
    const bytes = exportOnnxBytes(model, x);
    const y = randn([5, 1, 28, 28]);
    const out = await runOrt(bytes, { input: y });
    model.eval();
    console.log(maxDiff(out.output!.data, model.forward(y).dataSync()));
  });
});
