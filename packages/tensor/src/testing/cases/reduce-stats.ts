/** The reductions added in 0.2: the running sum cumsum (a kernel), and logsumexp, variance, std (composites). */
import { cumsum, logsumexp, std, tensor, variance, zeros } from '@nn/tensor';
import type { ConformanceCase } from '../types';
import { cube, int } from './util';

/** Running sums of 1..24 in [2, 3, 4] along `axis`, in float64. */
function refCumsum(axis: number, reverse = false): number[] {
  const shape = [2, 3, 4];
  const strides = [12, 4, 1];
  const out = new Array<number>(24);
  for (let flat = 0; flat < 24; flat++) {
    const index = [Math.floor(flat / 12), Math.floor(flat / 4) % 3, flat % 4];
    let total = 0;
    const from = reverse ? index[axis]! : 0;
    const to = reverse ? shape[axis]! - 1 : index[axis]!;
    for (let k = from; k <= to; k++) total += flat + (k - index[axis]!) * strides[axis]! + 1;
    out[flat] = total;
  }
  return out;
}

export const reduceStatsCases: ConformanceCase[] = [
  {
    name: 'cumsum: each axis of a 3-d tensor',
    kernels: ['Cumsum'],
    run: () => [cumsum(cube(), 0), cumsum(cube(), 1), cumsum(cube(), -1)],
    expected: [0, 1, 2].map((axis) => ({ shape: [2, 3, 4], values: refCumsum(axis) })),
  },
  {
    name: 'cumsum: reverse, along the first and the last axis',
    kernels: ['Cumsum'],
    run: () => [cumsum(cube(), 0, { reverse: true }), cumsum(cube(), 2, { reverse: true })],
    expected: [0, 2].map((axis) => ({ shape: [2, 3, 4], values: refCumsum(axis, true) })),
  },
  {
    name: 'cumsum: int32 stays int32 and wraps',
    kernels: ['Cumsum'],
    run: () => cumsum(int([[2 ** 31 - 2, 1, 1, -5]]), 1),
    expected: { values: [[2 ** 31 - 2, 2 ** 31 - 1, -(2 ** 31), 2 ** 31 - 5]], dtype: 'int32' },
  },
  {
    // Uploaded inputs only (see the TopK cases): backend-gpu declares Cumsum and webgpu cannot read device results.
    name: 'cumsum: size-1 and empty axes',
    kernels: ['Cumsum'],
    run: () => [cumsum(tensor([[5, -1]]), 0), cumsum(zeros([0, 3]), 1), cumsum(zeros([2, 0]), 0)],
    expected: [[[5, -1]], { shape: [0, 3], values: [] }, { shape: [2, 0], values: [] }],
  },
  {
    name: 'logsumexp: rows far apart, an all -Infinity row, keepDims',
    kernels: ['Max', 'Sub', 'Exp', 'Sum', 'Log', 'Add'],
    run: () =>
      logsumexp(
        tensor([
          [1, 2, 3],
          [-1000, 0, 1000],
          [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
        ]),
        1,
        true,
      ),
    expected: [[Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3))], [1000], [Number.NEGATIVE_INFINITY]],
  },
  {
    name: 'variance and std: unbiased and population, over one axis and all',
    kernels: ['Sum', 'Sub', 'Square', 'Div', 'Sqrt'],
    run: () => {
      const x = tensor([
        [1, 2, 3, 4],
        [2, 2, 2, 10],
      ]);
      return [variance(x, 1), std(x, 1, { correction: 0 }), variance(x)];
    },
    expected: [[5 / 3, 16], [Math.sqrt(1.25), 2 * Math.sqrt(3)], 115 / 14],
  },
];
