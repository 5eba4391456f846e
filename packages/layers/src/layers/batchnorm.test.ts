import { gradsOf } from '@nn/autograd';
import { memory, ShapeError, tensor, tidy, zeros } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, fixture, fromJson, type TensorJson } from '../../test/helpers';
import { BatchNorm1d, BatchNorm2d } from './batchnorm';

interface BatchNormCase {
  initial: Record<string, TensorJson>;
  x1: TensorJson;
  x2: TensorJson;
  w: TensorJson;
  trainOutput: TensorJson;
  gradX: TensorJson;
  gradWeight: TensorJson;
  gradBias: TensorJson;
  runningMean: TensorJson;
  runningVar: TensorJson;
  numBatchesTracked: number;
  evalOutput: TensorJson;
}

const cases = fixture<{ bn1d: BatchNormCase; bn2d: BatchNormCase }>('batchnorm.json');

/** Train on x1 (checking output and gradients), train on x2, then eval on x1: all against PyTorch. */
function checkAgainstPyTorch(bn: BatchNorm1d | BatchNorm2d, c: BatchNormCase): void {
  bn.to('float64');
  bn.loadStateDict(
    Object.fromEntries(
      Object.entries(c.initial).map(([k, v]) => [k, fromJson(v, k === 'num_batches_tracked' ? 'int32' : 'float64')]),
    ),
  );
  tidy(() => {
    const x1 = fromJson(c.x1);
    let y1 = zeros([1]);
    const { grads } = gradsOf(() => {
      y1 = bn.forward(x1);
      return y1.mul(fromJson(c.w)).sum();
    }, [x1, bn.weight!, bn.bias!]);
    expectClose(y1, c.trainOutput);
    expectClose(grads[0]!, c.gradX, 1e-8);
    expectClose(grads[1]!, c.gradWeight, 1e-8);
    expectClose(grads[2]!, c.gradBias, 1e-8);
    bn.forward(fromJson(c.x2));
  });
  expectClose(bn.running_mean!, c.runningMean);
  expectClose(bn.running_var!, c.runningVar);
  expect(bn.num_batches_tracked!.item()).toBe(c.numBatchesTracked);
  bn.eval();
  expectClose(bn.forward(fromJson(c.x1)), c.evalOutput);
}

describe('BatchNorm against PyTorch 1.13 (float64)', () => {
  it('BatchNorm1d: train output, gradients, running statistics (unbiased variance), eval output', () => {
    checkAgainstPyTorch(new BatchNorm1d(3), cases.bn1d);
  });

  it('BatchNorm2d (momentum 0.2): the same over N, H and W', () => {
    checkAgainstPyTorch(new BatchNorm2d(3, { momentum: 0.2 }), cases.bn2d);
  });
});

describe('BatchNorm: modes and validation', () => {
  it('train mode normalises by the batch; eval mode by the running statistics', () => {
    const bn = new BatchNorm1d(1);
    const x = tensor([[1], [3]]);
    expect(bn.forward(x).toArray()).toEqual([[expect.closeTo(-1, 4)], [expect.closeTo(1, 4)]]);
    // mean 2, unbiased variance 2: running = 0.9 * [0, 1] + 0.1 * [2, 2]
    expect(bn.running_mean!.item()).toBeCloseTo(0.2, 6);
    expect(bn.running_var!.item()).toBeCloseTo(1.1, 6);
    bn.eval();
    expect(bn.forward(tensor([[0.2]])).item()).toBeCloseTo(0, 5);
    expect(bn.running_mean!.item()).toBeCloseTo(0.2, 6); // eval does not update
  });

  it('a training forward whose output the loss does not reach (a detached branch) keeps nothing', () => {
    const bn = new BatchNorm2d(2);
    const w = tensor([1.5]);
    const x = tensor(
      Array.from({ length: 16 }, (_, i) => Math.sin(i)),
      [2, 2, 2, 2],
    );
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) {
      // The discriminator's step of a GAN: the generator's batch norm runs on the tape, its output is detached.
      tidy(() => {
        gradsOf(() => bn.forward(x.mul(w)).detach().mul(w).sum(), [w]);
        gradsOf(() => bn.forward(x).mul(w).sum(), [w]);
      });
    }
    expect(memory().numTensors).toBe(before);
  });

  it('momentum null keeps a cumulative average', () => {
    const bn = new BatchNorm1d(1, { momentum: null });
    bn.forward(tensor([[0], [2]]));
    bn.forward(tensor([[4], [6]]));
    expect(bn.running_mean!.item()).toBeCloseTo(3, 6);
    expect(bn.num_batches_tracked!.item()).toBe(2);
  });

  it('rejects wrong ranks, channel counts and single-value batches', () => {
    expect(() => new BatchNorm2d(3).forward(zeros([2, 3, 4]))).toThrow(ShapeError);
    expect(() => new BatchNorm1d(3).forward(zeros([2, 4]))).toThrow(
      'BatchNorm1d: expected 3 channels on axis 1, got [2,4]',
    );
    expect(() => new BatchNorm1d(3).forward(zeros([1, 3]))).toThrow(/more than 1 value per channel/);
  });
});
