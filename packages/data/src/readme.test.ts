import { describe, expect, it } from 'vitest';
import { DataLoader } from './dataloader';
import { TensorDataset } from './dataset';
import { loadMnist } from './mnist';
import { trainTestSplit } from './split';
import { normalize } from './transforms';

describe('README example', () => {
  it('loads MNIST, splits 80/20 and iterates shuffled normalized batches', async () => {
    const { images, labels } = await loadMnist('train');
    const dataset = new TensorDataset(images, labels);
    const { train, test } = trainTestSplit(dataset, { testFraction: 0.2, seed: 0 });
    expect([train.length, test.length]).toEqual([48000, 12000]);
    const loader = new DataLoader(train, {
      batchSize: 64,
      shuffle: true,
      seed: 0,
      transform: normalize(0.1307, 0.3081),
    });
    expect(loader.length).toBe(750);
    let batches = 0;
    let samples = 0;
    let mean = 0;
    for await (const { x, y } of loader) {
      expect(x.shape.slice(1)).toEqual([1, 28, 28]);
      expect(y.dtype).toBe('int32');
      if (batches === 0) {
        for (const v of x.dataSync()) mean += v / x.size;
      }
      batches++;
      samples += y.size;
    }
    expect(batches).toBe(750);
    expect(samples).toBe(48000);
    expect(Math.abs(mean)).toBeLessThan(0.3); // normalized
  });
});
