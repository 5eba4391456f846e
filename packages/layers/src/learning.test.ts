/**
 * Learning tests: small networks trained for real, with assertions on what they learned.
 * Seeded (manualSeed), so the epoch counts printed below are reproducible on the CPU backend.
 */
import { gradsOf, noGrad } from '@nn/autograd';
import { Adam, SGD } from '@nn/optim';
import { manualSeed, randn, type Tensor, tensor, tidy } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Linear, ReLU, Sequential, Sigmoid, Tanh } from './layers';
import { binaryCrossEntropy, mseLoss } from './losses';

/** Fraction of predictions (probabilities) on the right side of 0.5. */
function accuracy(probabilities: Tensor, target: Tensor): number {
  const p = probabilities.dataSync();
  const t = target.dataSync();
  let right = 0;
  for (let i = 0; i < p.length; i++) if (p[i]! > 0.5 === t[i]! > 0.5) right++;
  return right / p.length;
}

describe('learning', () => {
  it('a single sigmoid perceptron learns OR with plain gradient descent', () => {
    manualSeed(0);
    const model = new Sequential(new Linear(2, 1), new Sigmoid());
    const x = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = tensor([[0], [1], [1], [1]]);
    const params = model.parameters();
    const lr = 1;
    let epochs = 0;
    let loss = Number.POSITIVE_INFINITY;
    for (; epochs < 2000 && loss > 0.1; epochs++) {
      loss = tidy(() => {
        const { value, grads } = gradsOf(() => mseLoss(model.forward(x), y), params);
        params.forEach((p, i) => {
          p.assign(p.sub(grads[i]!.mul(lr)));
        });
        return value.item();
      });
    }
    console.log(`OR perceptron: MSE ${loss.toFixed(4)} after ${epochs} epochs of gradient descent`);
    const out = noGrad(() => model.forward(x));
    expect(accuracy(out, y)).toBe(1);
    expect(loss).toBeLessThanOrEqual(0.1);
  });

  it('a tanh MLP learns XOR', () => {
    manualSeed(0);
    const model = new Sequential(new Linear(2, 4), new Tanh(), new Linear(4, 1), new Sigmoid());
    const x = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = tensor([[0], [1], [1], [0]]);
    const opt = new SGD(model.parameters(), { lr: 0.5, momentum: 0.9 });
    let epochs = 0;
    let loss = Number.POSITIVE_INFINITY;
    for (; epochs < 3000 && loss > 0.05; epochs++) {
      loss = tidy(() => opt.step(() => binaryCrossEntropy(model.forward(x), y)).item());
    }
    console.log(`XOR tanh 2-4-1 MLP: BCE ${loss.toFixed(4)} after ${epochs} epochs (SGD lr 0.5, momentum 0.9)`);
    const out = noGrad(() => model.forward(x));
    expect(accuracy(out, y)).toBe(1);
    expect(loss).toBeLessThanOrEqual(0.05);
  });

  it('a 6-4-4-1 MLP fits a small synthetic binary task', () => {
    manualSeed(1);
    // Label: |x0| + |x1| < 1.2, a diamond (not linearly separable); x2..x5 are distractors.
    const makeData = (n: number, seed: number): { x: Tensor; y: Tensor } => {
      const x = randn([n, 6], { seed });
      const score = x
        .slice([0, 0], [n, 1])
        .abs()
        .add(x.slice([0, 1], [n, 1]).abs());
      return { x, y: score.less(1.2) };
    };
    const train = makeData(256, 10);
    const test = makeData(256, 11);
    const model = new Sequential(
      new Linear(6, 4),
      new ReLU(),
      new Linear(4, 4),
      new ReLU(),
      new Linear(4, 1),
      new Sigmoid(),
    );
    const opt = new Adam(model.parameters(), { lr: 0.03 });
    let loss = 0;
    for (let epoch = 0; epoch < 400; epoch++) {
      loss = tidy(() => opt.step(() => binaryCrossEntropy(model.forward(train.x), train.y)).item());
    }
    const trainAccuracy = accuracy(
      noGrad(() => model.forward(train.x)),
      train.y,
    );
    const testAccuracy = accuracy(
      noGrad(() => model.forward(test.x)),
      test.y,
    );
    const positives = train.y.mean().item();
    console.log(
      `6-4-4-1 MLP: BCE ${loss.toFixed(4)}, train accuracy ${trainAccuracy}, test accuracy ${testAccuracy} (positives ${positives.toFixed(2)})`,
    );
    expect(trainAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(testAccuracy).toBeGreaterThanOrEqual(0.85);
  });
});
