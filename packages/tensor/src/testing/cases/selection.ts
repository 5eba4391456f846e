/** Selection: sort, argsort and topk (the TopK kernel, values gathered by index), tril, triu and maskedFill. */
import { argsort, maskedFill, randn, sort, tensor, topk, tril, triu, zeros } from '@nn/tensor';
import { randnValues } from '../reference';
import type { ConformanceCase } from '../types';
import { int } from './util';

const row = [0.5, -1, 3, 0.5, 2, -1];

/** The stable ascending (or descending) order of a seeded [rows, n] tensor's rows: indices and values. */
function refSorted(rows: number, n: number, seed: number, descending: boolean) {
  const x = randnValues([rows, n], seed).values;
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((i, j) => (descending ? x[r * n + j]! - x[r * n + i]! : x[r * n + i]! - x[r * n + j]!) || i - j);
    indices.push(...order);
    values.push(...order.map((i) => x[r * n + i]!));
  }
  return { indices, values };
}

export const selectionCases: ConformanceCase[] = [
  {
    name: 'sort: ties keep their index order, both directions',
    kernels: ['TopK', 'Gather'],
    run: () => {
      const up = sort(tensor(row));
      const down = sort(tensor(row), { descending: true });
      return [up.values, up.indices, down.values, down.indices];
    },
    expected: [
      [-1, -1, 0.5, 0.5, 2, 3],
      { values: [1, 5, 0, 3, 4, 2], dtype: 'int32' },
      [3, 2, 0.5, 0.5, -1, -1],
      { values: [2, 4, 0, 3, 1, 5], dtype: 'int32' },
    ],
    tolerance: 'exact',
  },
  {
    name: 'sort: NaN sorts as the largest value, infinities in place',
    kernels: ['TopK', 'Gather'],
    run: () => sort(tensor([Number.NaN, 1, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -2])).indices,
    expected: { values: [2, 4, 1, 3, 0], dtype: 'int32' },
  },
  {
    name: 'sort: random rows of 37 (float32), argsort descending',
    kernels: ['TopK', 'Gather'],
    run: () => {
      const x = randn([5, 37], { seed: 61 });
      return [sort(x).values, argsort(x, { descending: true })];
    },
    expected: () => [
      { shape: [5, 37], values: refSorted(5, 37, 61, false).values },
      { shape: [5, 37], values: refSorted(5, 37, 61, true).indices, dtype: 'int32' },
    ],
    tolerance: 'exact',
  },
  {
    name: 'topk: k = 1 and k = n, largest and smallest, int32 values',
    kernels: ['TopK', 'Gather'],
    run: () => {
      const x = int([
        [4, 9, 1, 9],
        [0, -3, 7, 2],
      ]);
      const one = topk(x, 1);
      const all = topk(x, 4, { largest: false });
      return [one.values, one.indices, all.values, all.indices];
    },
    expected: [
      { values: [[9], [7]], dtype: 'int32' },
      { values: [[1], [2]], dtype: 'int32' },
      {
        values: [
          [1, 4, 9, 9],
          [-3, 0, 2, 7],
        ],
        dtype: 'int32',
      },
      {
        values: [
          [2, 0, 1, 3],
          [1, 0, 3, 2],
        ],
        dtype: 'int32',
      },
    ],
  },
  {
    // Inputs here are uploaded, never computed on the device: a backend that declares TopK (backend-gpu) reads them
    // back synchronously, which webgpu can only do for uploaded data. Other axes are covered by the op's tests.
    name: 'topk: k = 0, an empty batch, size-1 rows',
    kernels: ['TopK'],
    run: () => [topk(tensor([[1, 2]]), 0).indices, topk(zeros([0, 4]), 2).indices, argsort(tensor([[5], [6]]))],
    expected: [
      { shape: [1, 0], values: [], dtype: 'int32' },
      { shape: [0, 2], values: [], dtype: 'int32' },
      { values: [[0], [0]], dtype: 'int32' },
    ],
  },
  {
    name: 'tril, triu: offsets and a batch of non-square matrices',
    kernels: ['Where'],
    run: () => {
      const x = tensor(
        Array.from({ length: 12 }, (_, i) => i + 1),
        [2, 2, 3],
      );
      return [tril(x), triu(x, 1), tril(x, -1)];
    },
    expected: [
      {
        shape: [2, 2, 3],
        values: [1, 0, 0, 4, 5, 0, 7, 0, 0, 10, 11, 0],
      },
      {
        shape: [2, 2, 3],
        values: [0, 2, 3, 0, 0, 6, 0, 8, 9, 0, 0, 12],
      },
      {
        shape: [2, 2, 3],
        values: [0, 0, 0, 4, 0, 0, 0, 0, 0, 10, 0, 0],
      },
    ],
    tolerance: 'exact',
  },
  {
    name: 'maskedFill: a broadcast row mask, -Infinity fill',
    kernels: ['Where'],
    run: () =>
      maskedFill(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        int([[0, 1, 1]]),
        Number.NEGATIVE_INFINITY,
      ),
    expected: [
      [1, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [4, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
    ],
  },
];
