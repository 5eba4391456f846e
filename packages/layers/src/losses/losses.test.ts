import { grad } from '@nn/autograd';
import { DTypeError, memory, ShapeError, StateError, type Tensor, tensor, ValueError } from '@nn/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectClose, fixture, fromJson, type TensorJson } from '../../test/helpers';
import { metricSum } from '../training/metrics';
import { binaryCrossEntropy, crossEntropy } from './classification';
import type { Reduction } from './reduction';
import { l1Loss, meanBiasError, mseLoss } from './regression';

describe('losses against hand-computed values', () => {
  const prediction = tensor([1, 2, 3, 4]);
  const target = tensor([2, 2, 1, 8]);

  it('mseLoss: (p - t)^2 = [1, 0, 4, 16]', () => {
    expect(mseLoss(prediction, target).item()).toBeCloseTo(21 / 4, 6);
    expect(mseLoss(prediction, target, { reduction: 'sum' }).item()).toBeCloseTo(21, 6);
    expect(mseLoss(prediction, target, { reduction: 'none' }).toArray()).toEqual([1, 0, 4, 16]);
  });

  it('l1Loss: |p - t| = [1, 0, 2, 4]', () => {
    expect(l1Loss(prediction, target).item()).toBeCloseTo(7 / 4, 6);
    expect(l1Loss(prediction, target, { reduction: 'sum' }).item()).toBe(7);
    expect(l1Loss(prediction, target, { reduction: 'none' }).toArray()).toEqual([1, 0, 2, 4]);
  });

  it('meanBiasError: t - p = [1, 0, -2, 4]', () => {
    expect(meanBiasError(prediction, target).item()).toBeCloseTo(3 / 4, 6);
    expect(meanBiasError(prediction, target, { reduction: 'sum' }).item()).toBe(3);
    expect(meanBiasError(prediction, target, { reduction: 'none' }).toArray()).toEqual([1, 0, -2, 4]);
  });

  it('crossEntropy: -log softmax at the target class', () => {
    // Row 0: logits [0, 0] -> log 2; row 1: [ln 3, 0] with class 0 -> -log(3/4).
    const logits = tensor([
      [0, 0],
      [Math.log(3), 0],
    ]);
    const loss = crossEntropy(logits, tensor([1, 0], undefined, 'int32'), { reduction: 'none' });
    expectClose(loss, [Math.log(2), -Math.log(3 / 4)], 1e-6);
    const soft = crossEntropy(
      logits,
      tensor([
        [0.5, 0.5],
        [0.25, 0.75],
      ]),
      { reduction: 'sum' },
    );
    // -(0.5 log 0.5 + 0.5 log 0.5) - (0.25 log 0.75 + 0.75 log 0.25)
    expect(soft.item()).toBeCloseTo(Math.log(2) - 0.25 * Math.log(0.75) - 0.75 * Math.log(0.25), 5);
    // Stable for huge logits.
    expect(crossEntropy(tensor([[1000, 0]]), tensor([1], undefined, 'int32')).item()).toBeCloseTo(1000, 2);
  });

  it('binaryCrossEntropy: probabilities (log clamped at -100) and logits', () => {
    const p = tensor([0.5, 0.9, 0, 1]);
    const t = tensor([1, 0, 0, 0]);
    expectClose(binaryCrossEntropy(p, t, { reduction: 'none' }), [Math.log(2), -Math.log(0.1), 0, 100], 1e-5);
    const x = tensor([0, 2, -100, 100]);
    const expected = [Math.log(2), 2 + Math.log(1 + Math.exp(-2)), 0, 100];
    expectClose(binaryCrossEntropy(x, t, { fromLogits: true, reduction: 'none' }), expected, 1e-5);
    expect(binaryCrossEntropy(x, t, { fromLogits: true }).item()).toBeCloseTo(expected.reduce((a, b) => a + b) / 4, 4);
  });

  it('gradients: mse 2(p - t)/n, crossEntropy softmax - onehot', () => {
    const [dp] = grad((p: Tensor) => mseLoss(p, target))(prediction);
    expect(dp!.toArray()).toEqual([-0.5, 0, 1, -2]);
    const [dl] = grad((l: Tensor) => crossEntropy(l, tensor([1], undefined, 'int32')))(tensor([[0, 0]]));
    expectClose(dl!, [0.5, -0.5], 1e-6);
    const [dx] = grad((l: Tensor) => binaryCrossEntropy(l, tensor([1, 0]), { fromLogits: true, reduction: 'sum' }))(
      tensor([0, 0]),
    );
    // sigmoid(x) - t, also at the kink of max(x, 0): a zero-initialised output layer must not get stuck.
    expectClose(dx!, [-0.5, 0.5], 1e-6);
  });
});

interface LossFixture {
  pred: TensorJson;
  target: TensorJson;
  logits: TensorJson;
  labels: number[];
  soft: TensorJson;
  probs: TensorJson;
  binTarget: TensorJson;
  binLogits: TensorJson;
  mean: Record<string, TensorJson>;
  sum: Record<string, TensorJson>;
  none: Record<string, TensorJson>;
}

describe('losses against PyTorch 1.13 (float64)', () => {
  const f = fixture<LossFixture>('losses.json');
  for (const reduction of ['mean', 'sum', 'none'] as Reduction[]) {
    it(`reduction '${reduction}'`, () => {
      const expected = f[reduction];
      const options = { reduction };
      expectClose(mseLoss(fromJson(f.pred), fromJson(f.target), options), expected.mse!);
      expectClose(l1Loss(fromJson(f.pred), fromJson(f.target), options), expected.l1!);
      const labels = tensor(f.labels, undefined, 'int32');
      expectClose(crossEntropy(fromJson(f.logits), labels, options), expected.crossEntropyIndices!);
      expectClose(crossEntropy(fromJson(f.logits), fromJson(f.soft), options), expected.crossEntropyProbabilities!);
      expectClose(binaryCrossEntropy(fromJson(f.probs), fromJson(f.binTarget), options), expected.binaryCrossEntropy!);
      expectClose(
        binaryCrossEntropy(fromJson(f.binLogits), fromJson(f.binTarget), { ...options, fromLogits: true }),
        expected.binaryCrossEntropyLogits!,
      );
    });
  }
});

describe('loss validation', () => {
  it('names the loss and the shapes', () => {
    expect(() => mseLoss(tensor([[1], [2]]), tensor([1, 2]))).toThrow(
      new ShapeError('mseLoss: prediction and target shapes differ: [2,1] and [2]'),
    );
    expect(() => l1Loss(tensor([1]), tensor([1], undefined, 'int32'))).toThrow(DTypeError);
    expect(() => mseLoss(tensor([1]), tensor([1]), { reduction: 'avg' as never })).toThrow(
      "mseLoss: reduction must be 'mean', 'sum' or 'none', got 'avg'",
    );
    expect(() => crossEntropy(tensor([1, 2]), tensor([0], undefined, 'int32'))).toThrow(
      'crossEntropy: logits must be [N, C], got [2]',
    );
    expect(() => crossEntropy(tensor([[1, 2]]), tensor([0, 1], undefined, 'int32'))).toThrow(
      'crossEntropy: class indices must be [N] = [1] for logits [1,2], got [2]',
    );
    expect(() => crossEntropy(tensor([[1, 2]]), tensor([2], undefined, 'int32'))).toThrow(
      'crossEntropy: class index 2 at position 0 is out of range for 2 classes',
    );
    expect(() => crossEntropy(tensor([[1, 2]]), tensor([[1, 0, 0]]))).toThrow(ShapeError);
    expect(() => binaryCrossEntropy(tensor([0.5]), 'x' as never)).toThrow(ValueError);
  });
});

describe('binaryCrossEntropy at saturated probabilities', () => {
  it('p = 0 or 1 gives the clamped loss and finite gradients', () => {
    const [dp] = grad((p: Tensor) => binaryCrossEntropy(p, tensor([1, 0, 1, 0]), { reduction: 'sum' }))(
      tensor([0, 1, 1, 0]),
    );
    expect(Array.from(dp!.dataSync()).every(Number.isFinite)).toBe(true);
    expect(binaryCrossEntropy(tensor([0, 1]), tensor([1, 0]), { reduction: 'none' }).toArray()).toEqual([100, 100]);
  });
});

describe('binaryCrossEntropy refuses values outside [0, 1], as PyTorch', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('a probability or a target outside [0, 1] (or NaN) is a ValueError naming the value and where it is', () => {
    expect(() => binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 1]))).toThrow(
      new ValueError(
        'binaryCrossEntropy: probabilities must be in [0, 1], got 1.5 at flat index 1 of [2] (for logits pass { fromLogits: true })',
      ),
    );
    expect(() => binaryCrossEntropy(tensor([[0.5], [0.2]]), tensor([[1], [2]]))).toThrow(
      new ValueError('binaryCrossEntropy: targets must be in [0, 1], got 2 at flat index 1 of [2,1]'),
    );
    expect(() => binaryCrossEntropy(tensor([Number.NaN]), tensor([1]))).toThrow('got NaN at flat index 0');
    expect(() => binaryCrossEntropy(tensor([-1e-30]), tensor([0]))).toThrow(ValueError);
    // Logits may be anything; their targets may not.
    expect(binaryCrossEntropy(tensor([-3, 7]), tensor([0, 1]), { fromLogits: true }).item()).toBeGreaterThan(0);
    expect(() => binaryCrossEntropy(tensor([-3, 7]), tensor([0, -1]), { fromLogits: true })).toThrow(
      'binaryCrossEntropy: targets must be in [0, 1], got -1 at flat index 1 of [2]',
    );
    // The edges are fine, and so is float64.
    expect(binaryCrossEntropy(tensor([0, 1, -0], [3], 'float64'), tensor([0, 1, 0], [3], 'float64')).item()).toBe(0);
  });

  it('where no synchronous read exists (webgpu) a direct call cannot check: the loss is NaN, never plausible', async () => {
    const proto = Object.getPrototypeOf(tensor([0])) as Tensor;
    vi.spyOn(proto, 'dataSync').mockImplementation(() => {
      throw new StateError('no synchronous reads here');
    });
    const bad = binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 1]), { reduction: 'none' });
    expect(Array.from(await bad.data())).toEqual([Math.fround(Math.log(2)), Number.NaN]);
    const good = binaryCrossEntropy(tensor([0.5, 1]), tensor([1, 1]));
    expect(await good.data()).toEqual(new Float32Array([Math.fround(Math.log(2) / 2)]));
  });

  it('leaves no tensor behind, whether it passes or throws', () => {
    const p = tensor([0.5, 0.9]);
    const t = tensor([1, 0]);
    binaryCrossEntropy(p, t).dispose();
    const before = memory().numTensors;
    binaryCrossEntropy(p, t).dispose();
    expect(() => binaryCrossEntropy(p, tensor([1, 3]))).toThrow(ValueError);
    expect(memory().numTensors).toBeLessThanOrEqual(before + 1); // the target made above
  });
});

describe('silent shape mismatches are errors', () => {
  it('crossEntropy of one class (always 0) names both shapes', () => {
    const call = () => crossEntropy(tensor([[0.3], [-2]]), tensor([[1], [0]]));
    expect(call).toThrow(ShapeError);
    expect(call).toThrow(
      'crossEntropy: logits [2,1] have one class, so the loss is always 0 (target [2,1]); for one output per sample use binaryCrossEntropy(logits, target, { fromLogits: true })',
    );
    expect(() => crossEntropy(tensor([[0.3], [-2]]), tensor([0, 0], undefined, 'int32'))).toThrow(
      'crossEntropy: logits [2,1] have one class',
    );
  });

  it('crossEntropy with [N, C] logits and [N, 1] targets names both shapes', () => {
    const logits = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => crossEntropy(logits, tensor([[1], [0]]))).toThrow(
      'crossEntropy: target probabilities must match logits [2,3], got [2,1] (or pass int32 class indices [N])',
    );
    expect(() => crossEntropy(logits, tensor([[1], [0]], undefined, 'int32'))).toThrow(
      'crossEntropy: class indices must be [N] = [2] for logits [2,3], got [2,1]',
    );
  });

  it('the mae/mse metrics refuse targets that would broadcast', () => {
    expect(() => metricSum('mae', tensor([[1, 2, 3]]), tensor([1, 2, 3, 4, 5, 6], [2, 3]))).toThrow(
      new ShapeError('metric mae: prediction [1,3] and target [2,3] have different sizes'),
    );
    // Same number of values in another layout ([N, 1] against [N]) is compared element by element.
    expect(metricSum('mse', tensor([[1], [2]]), tensor([1, 4])).item()).toBe(4);
  });

  it('an unknown loss option is a ValueError with a suggestion', () => {
    expect(() => mseLoss(tensor([1]), tensor([1]), { reducton: 'sum' } as never)).toThrow(
      "mseLoss: unknown option 'reducton'; did you mean 'reduction'? (known options: reduction)",
    );
    expect(() => binaryCrossEntropy(tensor([0.5]), tensor([1]), { from_logits: true } as never)).toThrow(
      "binaryCrossEntropy: unknown option 'from_logits'; did you mean 'fromLogits'?",
    );
  });
});
