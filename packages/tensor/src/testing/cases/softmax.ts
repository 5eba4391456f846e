/** softmax and logSoftmax (composites) and the fused softmax cross-entropy kernel. */
import { logSoftmax, randn, softmax, softmaxCrossEntropy, sum, tensor, zeros } from '@nn/tensor';
import { expectDense, randnValues, refSoftmaxRows, refTranspose } from '../reference';
import type { ConformanceCase } from '../types';

/** Logits with rows of very different scales, including one that would overflow exp(). */
const logits = () =>
  tensor([
    [1, 2, 3],
    [1000, 1000, 1001],
    [-5, 0, 5],
  ]);
const logitValues = [
  [1, 2, 3],
  [1000, 1000, 1001],
  [-5, 0, 5],
];
const dense = (rows: number[][]) => ({ shape: [rows.length, rows[0]!.length], values: rows.flat() });

export const softmaxCases: ConformanceCase[] = [
  {
    name: 'softmax: rows sum to 1',
    kernels: ['Sub', 'Exp', 'Sum', 'Div'],
    run: () => sum(softmax(randn([5, 7], { seed: 5 })), -1),
    expected: [1, 1, 1, 1, 1],
  },
  {
    name: 'softmax: large logits are stable',
    kernels: ['Sub', 'Exp', 'Sum', 'Div'],
    run: () => softmax(logits()),
    expected: () => expectDense(refSoftmaxRows(dense(logitValues))),
  },
  {
    name: 'softmax: random, against reference',
    kernels: ['Exp', 'Div'],
    run: () => softmax(randn([4, 6], { seed: 6 })),
    expected: () => expectDense(refSoftmaxRows(randnValues([4, 6], 6))),
  },
  {
    name: 'softmax: axis 0',
    kernels: ['Exp', 'Div'],
    run: () => softmax(randn([3, 4], { seed: 7 }), 0),
    expected: () => expectDense(refTranspose(refSoftmaxRows(refTranspose(randnValues([3, 4], 7), [1, 0])), [1, 0])),
  },
  {
    name: 'logSoftmax: large logits are stable',
    kernels: ['Sub', 'Exp', 'Sum', 'Log'],
    run: () => logSoftmax(logits()),
    expected: () => expectDense(refSoftmaxRows(dense(logitValues), true)),
  },
  {
    name: 'logSoftmax: exp of rows sums to 1',
    kernels: ['Exp', 'Sum'],
    run: () => sum(logSoftmax(randn([3, 9], { seed: 8 })).exp(), 1),
    expected: [1, 1, 1],
  },
  {
    name: 'softmaxCrossEntropy: one-hot target, hand value',
    kernels: ['SoftmaxCrossEntropy'],
    run: () => softmaxCrossEntropy(tensor([[1, 2, 3]]), tensor([[0, 0, 1]])),
    expected: [Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3],
  },
  {
    name: 'softmaxCrossEntropy: uniform logits give log(C)',
    kernels: ['SoftmaxCrossEntropy'],
    run: () =>
      softmaxCrossEntropy(
        zeros([2, 4]),
        tensor([
          [1, 0, 0, 0],
          [0.25, 0.25, 0.25, 0.25],
        ]),
      ),
    expected: [Math.log(4), Math.log(4)],
  },
  {
    name: 'softmaxCrossEntropy: soft targets and huge logits',
    kernels: ['SoftmaxCrossEntropy'],
    run: () =>
      softmaxCrossEntropy(
        logits(),
        tensor([
          [0.5, 0.5, 0],
          [0, 0.25, 0.75],
          [1, 0, 0],
        ]),
      ),
    expected: () => {
      const ls = refSoftmaxRows(dense(logitValues), true).values;
      const t = [0.5, 0.5, 0, 0, 0.25, 0.75, 1, 0, 0];
      return [0, 1, 2].map((r) => -[0, 1, 2].reduce((acc, j) => acc + t[r * 3 + j]! * ls[r * 3 + j]!, 0));
    },
  },
];
