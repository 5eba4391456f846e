/**
 * Convolutions give the same bits on one thread and split over two (the calls are cut by images whatever the
 * threads; the direct loops group images within a call), on each of the direct paths: rows of vectors (28 wide),
 * 4 images in a vector's lanes (7 wide), and the input gradient's scatter (a 'valid' layer).
 */
import * as nn from '@nn/tensor';
import { randn } from '@nn/tensor';
import { convGeometry } from '@nn/tensor/backend';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/index';
import type { WasmBackend } from './backend';
import { convWay } from './kernels/conv';
import { parallelThresholds } from './kernels/parallel';
import { getWasmThreads, setWasmThreads } from './threads';

const defaults = { ...parallelThresholds };
const threadsBefore = getWasmThreads();
afterAll(() => {
  Object.assign(parallelThresholds, defaults);
  setWasmThreads(threadsBefore);
});

async function useThreads(threads: number): Promise<void> {
  await nn.setBackend('wasm');
  setWasmThreads(threads);
  parallelThresholds.gemmMacs = 1;
  const backend = nn.getBackend().backend as WasmBackend;
  for (let waited = 0; backend.lanes() < threads; waited += 10) {
    if (waited > 10_000) throw new Error(`workers did not start: ${backend.lanes()} lanes`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Forward, input gradient and filter gradient of one layer, as float32 arrays. */
function passes(x: number[], w: number[], padding: number): Float32Array[] {
  const xs = randn(x, { seed: 1 });
  const ws = randn(w, { seed: 2 });
  const attrs = nn.conv2dAttrs(xs, ws, { padding });
  const y = nn.conv2d(xs, ws, { padding });
  const dy = randn(y.shape as number[], { seed: 3 });
  return [
    y.dataSync() as Float32Array,
    nn.conv2dBackpropInput(dy, ws, { ...attrs, xShape: x }).dataSync() as Float32Array,
    nn.conv2dBackpropFilter(xs, dy, { ...attrs, wShape: w }).dataSync() as Float32Array,
  ];
}

describe('Conv2D and its gradients: the same bits on 1 and 2 threads', () => {
  const layers = [
    { x: [11, 8, 28, 28], w: [8, 8, 3, 3], padding: 1 },
    { x: [11, 16, 7, 7], w: [12, 16, 3, 3], padding: 1 },
    { x: [11, 6, 14, 14], w: [16, 6, 5, 5], padding: 0 },
  ];
  for (const { x, w, padding } of layers) {
    it(`x ${x} w ${w} padding ${padding}`, async () => {
      await useThreads(1);
      const one = passes(x, w, padding);
      await useThreads(2);
      const two = passes(x, w, padding);
      for (let i = 0; i < one.length; i++) expect(Array.from(two[i]!)).toEqual(Array.from(one[i]!));
    });
  }
  it('the layers above run the direct loops, the last one the scatter', () => {
    const geometry = (x: number[], w: number[], padding: number) => {
      const y = [x[0]!, w[0]!, x[2]! + 2 * padding - w[2]! + 1, x[3]! + 2 * padding - w[3]! + 1];
      return convGeometry(x, w, y, nn.conv2dAttrs(randn(x), randn(w), { padding }));
    };
    expect(convWay('inputGrad', geometry([11, 8, 28, 28], [8, 8, 3, 3], 1))).toBe('direct');
    expect(convWay('filterGrad', geometry([11, 16, 7, 7], [12, 16, 3, 3], 1))).toBe('direct');
    expect(convWay('inputGrad', geometry([11, 6, 14, 14], [16, 6, 5, 5], 0))).toBe('scatter');
  });
});
