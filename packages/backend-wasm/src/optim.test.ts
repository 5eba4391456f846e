/**
 * The fused optimizer updates and ReluBackward give the cpu backend's bits exactly (so the optimizers' PyTorch
 * fixtures and exact-resume guarantees hold on wasm), on one thread and split over threads.
 */
import * as nn from '@nn/tensor';
import { rand, randn, type Tensor } from '@nn/tensor';
import { afterAll, describe, it } from 'vitest';
import { expectSameAsCpu } from '../test/compare';
import type { WasmBackend } from './backend';
import { parallelThresholds } from './kernels/parallel';
import { getWasmThreads, setWasmThreads } from './threads';

const ADAM = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 };
const SGD = { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: false };

const defaults = { ...parallelThresholds };
const threadsBefore = getWasmThreads();
afterAll(() => {
  Object.assign(parallelThresholds, defaults);
  setWasmThreads(threadsBefore);
});

const adams = [
  ADAM,
  { ...ADAM, step: 5, weightDecay: 0.01 },
  { ...ADAM, step: 3, weightDecay: 0.05, decoupled: true, lr: 0.02 },
  { ...ADAM, step: 2, beta1: 0.5, beta2: 0.9, eps: 1e-3 },
];
const sgds = [
  SGD,
  { ...SGD, momentum: 0.9, firstStep: true, weightDecay: 0.01 },
  { ...SGD, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 },
  { ...SGD, momentum: 0.8, nesterov: true, weightDecay: 1e-3 },
];

for (const [threads, split] of [
  [1, false],
  [2, true],
] as const) {
  describe(`fused updates are bit-identical to the cpu backend (${threads} thread(s)${split ? ', split' : ''})`, () => {
    const setup = async (): Promise<void> => {
      await nn.setBackend('wasm');
      setWasmThreads(threads);
      parallelThresholds.elements = split ? 1 : defaults.elements;
      const backend = nn.getBackend().backend as WasmBackend;
      // Workers start asynchronously: wait for them, so the split runs really are shared out.
      for (let waited = 0; backend.lanes() < threads; waited += 10) {
        if (waited > 10_000) throw new Error(`workers did not start: ${backend.lanes()} lanes`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    for (const size of [1, 7, 37, 70001]) {
      it(`adamUpdate, ${size} elements`, async () => {
        await setup();
        for (const attrs of adams) {
          const build = (): Tensor => {
            const [p, m, v] = nn.adamUpdate(
              randn([size], { seed: 1 }),
              randn([size], { seed: 2 }),
              randn([size], { seed: 3 }),
              rand([size], { seed: 4 }),
              attrs,
            );
            return nn.concat([p, m, v], 0);
          };
          await expectSameAsCpu(build, 0);
        }
      });
      it(`sgdUpdate, ${size} elements`, async () => {
        await setup();
        for (const attrs of sgds) {
          const build = (): Tensor => {
            const [p, b] = nn.sgdUpdate(
              randn([size], { seed: 1 }),
              randn([size], { seed: 2 }),
              randn([size], { seed: 3 }),
              attrs,
            );
            return nn.concat([p, b], 0);
          };
          await expectSameAsCpu(build, 0);
        }
      });
      it(`reluBackward, ${size} elements`, async () => {
        await setup();
        await expectSameAsCpu(() => nn.reluBackward(randn([size], { seed: 5 }), randn([size], { seed: 6 })), 0);
      });
    }
  });
}
