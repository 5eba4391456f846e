/** The README example, run for real on a subset of MNIST (the README trains on all of it). */
import { noGrad } from '@nn/autograd';
import { loadMnist } from '@nn/data';
import { Adam } from '@nn/optim';
import { argmax, manualSeed, slice, tidy } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Conv2d, crossEntropy, Flatten, Linear, MaxPool2d, ReLU, Sequential } from './index';

describe('README example', () => {
  it('LeNet-5 learns MNIST digits from 4096 images in one epoch', async () => {
    manualSeed(0);
    // biome-ignore format: one line per stage, as in the README
    const model = new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
      new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
      new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10),
    );
    const { images, labels } = await loadMnist('train');
    const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
    const batchSize = 64;
    const trainSize = 4096;
    let loss = 0;
    const start = performance.now();
    for (let first = 0; first < trainSize; first += batchSize) {
      loss = tidy(() => {
        const x = slice(images, [first, 0, 0, 0], [batchSize, 1, 28, 28]);
        const y = slice(labels, [first], [batchSize]);
        return optimizer.step(() => crossEntropy(model.forward(x), y)).item();
      });
    }
    const seconds = (performance.now() - start) / 1000;
    model.eval();
    const test = await loadMnist('test');
    const n = 1000;
    const predicted = tidy(() =>
      noGrad(() => argmax(model.forward(slice(test.images, [0, 0, 0, 0], [n, 1, 28, 28])), 1)),
    );
    const truth = slice(test.labels, [0], [n]).dataSync();
    const guesses = predicted.dataSync();
    let right = 0;
    for (let i = 0; i < n; i++) if (guesses[i] === truth[i]) right++;
    console.log(
      `LeNet-5: last batch loss ${loss.toFixed(3)}, test accuracy ${right / n} after ${trainSize} images (${(trainSize / seconds).toFixed(0)} samples/s)`,
    );
    expect(right / n).toBeGreaterThan(0.75); // 0.818 measured; about 98% after the full epochs of the README
  });
});
