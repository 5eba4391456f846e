/** huberLoss, smoothL1Loss, nllLoss, klDiv and crossEntropy's labelSmoothing/ignoreIndex against PyTorch 1.13. */
import { grad } from '@nn/autograd';
import { logSoftmax, type Tensor, tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, fixture, fromJson, type TensorJson } from '../../test/helpers';
import { crossEntropy } from './classification';
import { type KlDivReduction, klDiv } from './kl-div';
import { nllLoss } from './nll';
import type { Reduction } from './reduction';
import { huberLoss, smoothL1Loss } from './regression';

interface Expected {
  value: TensorJson;
  grad: TensorJson;
}
type Case = Record<Reduction, Expected>;
interface LossFixture {
  pred: TensorJson;
  target: TensorJson;
  logits: TensorJson;
  labels: number[];
  ignored: number[];
  ignored7: number[];
  soft: TensorJson;
  logProbs: TensorJson;
  klTarget: TensorJson;
  klLogTarget: TensorJson;
  [key: string]: unknown;
}

const f = fixture<LossFixture>('losses-0.2.json');
const indices = (values: number[]) => tensor(values, [values.length], 'int32');

/** The loss of every reduction and the gradient of its sum with respect to the first argument. */
function check(loss: (x: Tensor, reduction: Reduction) => Tensor, input: TensorJson, expected: Case): void {
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    const x = fromJson(input);
    expectClose(loss(x, reduction), expected[reduction].value);
    const [dx] = grad((v: Tensor) => loss(v, reduction).sum())(x);
    expectClose(dx!, expected[reduction].grad);
  }
}

describe('losses added in 0.2 against PyTorch 1.13 (float64, values and gradients)', () => {
  const target = fromJson(f.target);
  it('huberLoss (delta 1 and 2)', () => {
    check((p, reduction) => huberLoss(p, target, { reduction }), f.pred, f.huber as Case);
    check((p, reduction) => huberLoss(p, target, { reduction, delta: 2 }), f.pred, f.huberDelta2 as Case);
  });

  it('smoothL1Loss (beta 1, 0.5 and 0)', () => {
    check((p, reduction) => smoothL1Loss(p, target, { reduction }), f.pred, f.smoothL1 as Case);
    check((p, reduction) => smoothL1Loss(p, target, { reduction, beta: 0.5 }), f.pred, f.smoothL1Beta05 as Case);
    check((p, reduction) => smoothL1Loss(p, target, { reduction, beta: 0 }), f.pred, f.smoothL1Beta0 as Case);
  });

  it('nllLoss, also with ignoreIndex (rows left out of the mean)', () => {
    check((x, reduction) => nllLoss(x, indices(f.labels), { reduction }), f.logProbs, f.nll as Case);
    const ignored = indices(f.ignored);
    check((x, reduction) => nllLoss(x, ignored, { reduction, ignoreIndex: -100 }), f.logProbs, f.nllIgnore as Case);
  });

  it('crossEntropy with labelSmoothing (indices and probabilities) and ignoreIndex', () => {
    const labels = indices(f.labels);
    const soft = fromJson(f.soft);
    check((x, reduction) => crossEntropy(x, labels, { reduction, labelSmoothing: 0.1 }), f.logits, f.ceSmooth as Case);
    check(
      (x, reduction) => crossEntropy(x, soft, { reduction, labelSmoothing: 0.2 }),
      f.logits,
      f.ceSmoothProbs as Case,
    );
    const ignored7 = indices(f.ignored7);
    check((x, reduction) => crossEntropy(x, ignored7, { reduction, ignoreIndex: 7 }), f.logits, f.ceIgnore as Case);
    const ignored = indices(f.ignored);
    check(
      (x, reduction) => crossEntropy(x, ignored, { reduction, ignoreIndex: -100, labelSmoothing: 0.3 }),
      f.logits,
      f.ceIgnoreSmooth as Case,
    );
  });

  it('klDiv: every reduction, probabilities (a zero target adds 0) and log-probabilities', () => {
    for (const reduction of ['batchmean', 'mean', 'sum', 'none'] as KlDivReduction[]) {
      for (const logTarget of [false, true]) {
        const expected = f[`klDiv_${reduction}_${logTarget ? 'logTarget' : 'probs'}`] as Expected;
        const t = fromJson(logTarget ? f.klLogTarget : f.klTarget);
        const x = fromJson(f.logProbs);
        expectClose(klDiv(x, t, { reduction, logTarget }), expected.value);
        const [dx] = grad((v: Tensor) => klDiv(v, t, { reduction, logTarget }).sum())(x);
        expectClose(dx!, expected.grad);
      }
    }
    // 'batchmean' is the default (the KL divergence per sample).
    const x = fromJson(f.logProbs);
    expectClose(klDiv(x, fromJson(f.klTarget)), (f.klDiv_batchmean_probs as Expected).value);
  });
});

describe('the 0.2 losses: agreement and validation', () => {
  it('nllLoss(logSoftmax(x)) equals crossEntropy(x); -Infinity outside the target class stays finite', () => {
    const logits = fromJson(f.logits);
    const labels = indices(f.labels);
    expect(nllLoss(logSoftmax(logits, 1), labels).item()).toBeCloseTo(crossEntropy(logits, labels).item(), 12);
    const logProbs = tensor([[0, Number.NEGATIVE_INFINITY]]);
    expect(Math.abs(nllLoss(logProbs, indices([0])).item())).toBe(0);
  });

  it('every row ignored gives NaN for mean and 0 for sum, as PyTorch', () => {
    const logits = tensor([[1, 2]]);
    expect(crossEntropy(logits, indices([-1]), { ignoreIndex: -1 }).item()).toBeNaN();
    expect(crossEntropy(logits, indices([-1]), { ignoreIndex: -1, reduction: 'sum' }).item()).toBe(0);
  });

  it('bad options are ValueErrors naming the loss and the value', () => {
    const p = tensor([1, 2]);
    expect(() => huberLoss(p, p, { delta: 0 })).toThrow(
      new ValueError('huberLoss: delta must be a finite number > 0, got 0'),
    );
    expect(() => smoothL1Loss(p, p, { beta: -1 })).toThrow('smoothL1Loss: beta must be a finite number >= 0, got -1');
    expect(() => huberLoss(p, p, { beta: 1 } as never)).toThrow(ValueError);
    expect(() => klDiv(p, p, { reduction: 'avg' as never })).toThrow(
      "klDiv: reduction must be 'batchmean', 'mean', 'sum' or 'none', got 'avg'",
    );
    const logits = tensor([[1, 2]]);
    expect(() => crossEntropy(logits, indices([0]), { labelSmoothing: 1.5 })).toThrow(
      'crossEntropy: labelSmoothing must be a number in [0, 1], got 1.5',
    );
    expect(() => crossEntropy(logits, tensor([[0.5, 0.5]]), { ignoreIndex: 0 })).toThrow(
      'crossEntropy: ignoreIndex applies to int32 class indices, not to target probabilities',
    );
    expect(() => nllLoss(logits, indices([2]))).toThrow(
      'nllLoss: class index 2 at position 0 is out of range for 2 classes',
    );
    expect(() => nllLoss(logits, indices([-100]))).toThrow(ValueError);
    expect(() => nllLoss(logits, indices([0]), { ignoreIndex: 0.5 })).toThrow(
      'nllLoss: ignoreIndex must be an integer, got 0.5',
    );
  });
});
