/**
 * Shared by the app's tests: a model trained by the app's own `train` on an MNIST subset (once per test run,
 * in vitest's global setup), and MNIST test digits rendered as photos-of-paper PNGs.
 */
import { loadMnist } from '@nn/data';
import { encode } from 'fast-png';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    modelDir: string;
  }
}

/** The directory of the model the global setup trained. */
export async function trainedModelDir(): Promise<string> {
  return inject('modelDir');
}

/**
 * MNIST test digit `index` drawn black on white at 5x with a margin, as a PNG: what a user's scan looks like.
 */
export async function digitPng(index: number): Promise<{ png: Uint8Array; label: number }> {
  const { images, labels } = await loadMnist('test');
  const pixels = images.slice([index, 0, 0, 0], [1, 1, 28, 28]).dataSync();
  const label = labels.slice([index], [1]).dataSync()[0]!;
  const scale = 5;
  const margin = 30;
  const size = 28 * scale + 2 * margin;
  const data = new Uint8Array(size * size).fill(255);
  for (let y = 0; y < 28 * scale; y++) {
    for (let x = 0; x < 28 * scale; x++) {
      const v = pixels[Math.floor(y / scale) * 28 + Math.floor(x / scale)]!;
      data[(y + margin) * size + x + margin] = Math.round(255 * (1 - v));
    }
  }
  return { png: encode({ width: size, height: size, data, channels: 1, depth: 8 }), label };
}
