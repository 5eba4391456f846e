/**
 * An LSTM and a GRU learn to predict the next value of a sine wave from the previous 12, trained for
 * real with Adam. Seeded, so the losses printed are reproducible on the CPU backend.
 */
import { noGrad } from '@nn/autograd';
import { Adam } from '@nn/optim';
import { Generator, manualSeed, type Tensor, tensor, tidy } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { mseLoss } from '../losses';
import { Module } from '../module';
import { Linear } from './linear';
import { GRU, LSTM } from './rnn';

const STEPS = 12;

/** Windows of sin(0.4 t + phase) with random phases: x [n, STEPS, 1] and the next value y [n, 1]. */
function sineWindows(n: number, seed: number): { x: Tensor; y: Tensor } {
  const generator = new Generator(seed);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const phase = generator.uniform() * 2 * Math.PI;
    for (let t = 0; t < STEPS; t++) xs.push(Math.sin(0.4 * t + phase));
    ys.push(Math.sin(0.4 * STEPS + phase));
  }
  return { x: tensor(xs, [n, STEPS, 1]), y: tensor(ys, [n, 1]) };
}

/** A recurrent layer, then a linear read-out of its last output. */
class NextValue extends Module {
  readonly head: Linear;

  constructor(readonly rnn: LSTM | GRU) {
    super();
    this.head = new Linear(rnn.hiddenSize, 1);
  }

  forward(x: Tensor): Tensor {
    const { output } = this.rnn.forward(x);
    const [n, steps, hidden] = output.shape as [number, number, number];
    return this.head.forward(output.slice([0, steps - 1, 0], [n, 1, hidden]).reshape([n, hidden]));
  }
}

function train(model: NextValue, iterations: number): { trainLoss: number; testLoss: number; baseline: number } {
  const data = sineWindows(64, 1);
  const test = sineWindows(64, 2);
  const opt = new Adam(model.parameters(), { lr: 0.02 });
  let trainLoss = 0;
  for (let i = 0; i < iterations; i++) {
    trainLoss = tidy(() => opt.step(() => mseLoss(model.forward(data.x), data.y)).item());
  }
  const testLoss = tidy(() => noGrad(() => mseLoss(model.forward(test.x), test.y).item()));
  // Predicting the mean (0) scores the variance of the targets, about 0.5.
  const baseline = tidy(() => test.y.square().mean().item());
  return { trainLoss, testLoss, baseline };
}

describe('recurrent layers learn a sequence task', () => {
  it('an LSTM predicts the next value of a sine wave (test MSE < 0.005)', () => {
    manualSeed(0);
    const { trainLoss, testLoss, baseline } = train(new NextValue(new LSTM(1, 12)), 60);
    console.log(
      `LSTM(1, 12) sine: train MSE ${trainLoss.toFixed(5)}, test MSE ${testLoss.toFixed(5)} (baseline ${baseline.toFixed(3)})`,
    );
    expect(testLoss).toBeLessThan(0.005);
  });

  it('a GRU predicts the next value of a sine wave (test MSE < 0.005)', () => {
    manualSeed(0);
    const { trainLoss, testLoss, baseline } = train(new NextValue(new GRU(1, 12)), 60);
    console.log(
      `GRU(1, 12) sine: train MSE ${trainLoss.toFixed(5)}, test MSE ${testLoss.toFixed(5)} (baseline ${baseline.toFixed(3)})`,
    );
    expect(testLoss).toBeLessThan(0.005);
  });
});
