import { add, conv2d, ones, setBackend, sum, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import '../src/index';

// Tensors placed past 2 GiB of wasm heap: byte offsets there do not fit a signed 32-bit integer, so every
// pointer-to-index conversion must be unsigned (`>>> 2`). With `>> 2` these ops read and write at negative indices.
describe('tensors past 2 GiB of heap', () => {
  it('elementwise, reduction and convolution read and write the right memory', async () => {
    await setBackend('wasm');
    const filler = ones([560 * 1024 * 1024]); // 2.19 GiB of float32 in front of what follows
    try {
      const a = tensor([1, 2, 3, 4]);
      const b = tensor([10, 20, 30, 40]);
      expect(Array.from(add(a, b).dataSync())).toEqual([11, 22, 33, 44]);
      expect(sum(b).dataSync()[0]).toBe(100);
      const x = ones([1, 1, 4, 4]);
      const w = ones([2, 1, 3, 3]);
      expect(Array.from(conv2d(x, w).dataSync())).toEqual([9, 9, 9, 9, 9, 9, 9, 9]);
    } finally {
      filler.dispose();
    }
  }, 60_000);
});
