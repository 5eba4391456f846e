/** The layers, losses, optimizer and fit together on real data: a small CNN on a 5,000-image MNIST subset. */
import { loadMnist } from '@nn/data';
import { Adam, StepLR } from '@nn/optim';
import { manualSeed } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from './layers';
import { crossEntropy } from './losses';
import { evaluate, fit } from './training';

describe('a small CNN on MNIST', () => {
  it('reaches >= 97% test accuracy after training on 5,000 images', async () => {
    manualSeed(0);
    const train = await loadMnist('train');
    const test = await loadMnist('test');
    const model = new Sequential(
      new Conv2d(1, 8, 5, { padding: 2 }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(8, 16, 5),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(400, 64),
      new ReLU(),
      new Linear(64, 10),
    );
    const optimizer = new Adam(model.parameters(), { lr: 3e-3 });
    await fit(
      model,
      { x: train.images.slice([0, 0, 0, 0], [5000, -1, -1, -1]), y: train.labels.slice([0], [5000]) },
      {
        epochs: 8,
        batchSize: 32,
        optimizer,
        scheduler: new StepLR(optimizer, { stepSize: 3, gamma: 0.5 }),
        loss: crossEntropy,
        verbose: false,
        seed: 0,
      },
    );
    const result = await evaluate(
      model,
      { x: test.images, y: test.labels },
      { loss: crossEntropy, metrics: ['accuracy'], batchSize: 500 },
    );
    console.log(
      `small CNN, 5,000 training images, 8 epochs: test accuracy ${(Number(result.accuracy) * 100).toFixed(2)}% on the 10,000 test images`,
    );
    expect(Number(result.accuracy)).toBeGreaterThanOrEqual(0.97);
  }, 900_000);
});
