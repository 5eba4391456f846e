/** Comparisons (float32 0/1 results) and where. */
import { equal, greater, less, neg, tensor, where } from '@nn/tensor';
import type { ConformanceCase } from '../types';
import { int } from './util';

export const compareCases: ConformanceCase[] = [
  {
    name: 'equal: float32 0/1 with broadcast',
    kernels: ['Equal'],
    run: () =>
      equal(
        tensor([
          [1, 2],
          [3, 2],
        ]),
        tensor([1, 2]),
      ),
    expected: {
      values: [
        [1, 1],
        [0, 1],
      ],
      dtype: 'float32',
    },
  },
  {
    name: 'equal: int32 inputs give float32',
    kernels: ['Equal'],
    run: () => equal(int([1, 2, 3]), 2),
    expected: { values: [0, 1, 0], dtype: 'float32' },
  },
  {
    name: 'greater: broadcast',
    kernels: ['Greater'],
    run: () => greater(tensor([[1], [3]]), tensor([0, 1, 2, 3])),
    expected: {
      values: [
        [1, 0, 0, 0],
        [1, 1, 1, 0],
      ],
      dtype: 'float32',
    },
  },
  {
    name: 'greater: int32',
    kernels: ['Greater'],
    run: () => greater(int([-1, 0, 1]), int([0, 0, 0])),
    expected: { values: [0, 0, 1], dtype: 'float32' },
  },
  {
    name: 'less: broadcast',
    kernels: ['Less'],
    run: () => less(tensor([[1], [3]]), tensor([0, 1, 2, 3])),
    expected: {
      values: [
        [0, 0, 1, 1],
        [0, 0, 0, 0],
      ],
      dtype: 'float32',
    },
  },
  {
    name: 'less: int32 number',
    kernels: ['Less'],
    run: () => less(int([-1, 0, 1]), 0),
    expected: { values: [1, 0, 0], dtype: 'float32' },
  },
  {
    name: 'where: condition, a and b broadcast together',
    kernels: ['Where'],
    run: () =>
      where(
        tensor([1, 0, 2]),
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        0,
      ),
    expected: [
      [1, 0, 3],
      [4, 0, 6],
    ],
  },
  {
    name: 'where: column condition, int32 values',
    kernels: ['Where'],
    run: () =>
      where(
        tensor([[0], [1]]),
        int([1, 2]),
        int([
          [7, 8],
          [9, 10],
        ]),
      ),
    expected: {
      values: [
        [7, 8],
        [1, 2],
      ],
      dtype: 'int32',
    },
  },
  {
    name: 'where: from a comparison',
    kernels: ['Greater', 'Where'],
    run: () => {
      const x = tensor([-1, 2, -3, 4]);
      return where(greater(x, 0), x, neg(x));
    },
    expected: [1, 2, 3, 4],
  },
];
