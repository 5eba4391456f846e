/** Indexing: gather, its adjoint scatterAdd, oneHot. */
import { gather, oneHot, scatterAdd, tensor, transpose } from '@nn/tensor';
import type { ConformanceCase } from '../types';
import { cube, exactAll, int, m23 } from './util';

const indexCases: ConformanceCase[] = exactAll([
  {
    name: 'gather: axis 0 with repeats',
    kernels: ['Gather'],
    run: () =>
      gather(
        tensor([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
        [2, 0, 2],
      ),
    expected: [
      [5, 6],
      [1, 2],
      [5, 6],
    ],
  },
  {
    name: 'gather: axis 1',
    kernels: ['Gather'],
    run: () => gather(m23(), int([2, 1]), 1),
    expected: [
      [3, 2],
      [6, 5],
    ],
  },
  {
    name: 'gather: negative axis, 2-D indices',
    kernels: ['Gather'],
    run: () =>
      gather(
        m23(),
        int([
          [0, 0],
          [2, 1],
        ]),
        -1,
      ),
    expected: [
      [
        [1, 1],
        [3, 2],
      ],
      [
        [4, 4],
        [6, 5],
      ],
    ],
  },
  {
    name: 'gather: middle axis of rank 3',
    kernels: ['Gather'],
    run: () => gather(cube(), int([2]), 1),
    expected: [[[9, 10, 11, 12]], [[21, 22, 23, 24]]],
  },
  {
    name: 'gather: int32 values',
    kernels: ['Gather'],
    run: () => gather(int([10, 20, 30]), int([1, 1])),
    expected: { values: [20, 20], dtype: 'int32' },
  },
  {
    name: 'gather: empty indices',
    kernels: ['Gather'],
    run: () => gather(m23(), int([]), 0),
    expected: { shape: [0, 3], values: [] },
  },
  {
    name: 'gather: from a transpose',
    kernels: ['Transpose', 'Gather'],
    run: () => gather(transpose(m23()), int([2]), 0),
    expected: [[3, 6]],
  },
  {
    name: 'scatterAdd: repeated indices accumulate',
    kernels: ['ScatterAdd'],
    run: () =>
      scatterAdd(
        tensor([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
        int([2, 0, 2]),
        0,
        4,
      ),
    expected: [
      [3, 4],
      [0, 0],
      [6, 8],
      [0, 0],
    ],
  },
  {
    name: 'scatterAdd: axis 1',
    kernels: ['ScatterAdd'],
    run: () => scatterAdd(tensor([[1, 2, 3]]), int([1, 1, 0]), 1, 3),
    expected: [[3, 3, 0]],
  },
  {
    name: 'scatterAdd: 2-D indices (adjoint of gather)',
    kernels: ['ScatterAdd'],
    run: () =>
      scatterAdd(
        tensor([
          [
            [1, 2],
            [3, 4],
          ],
        ]),
        int([
          [0, 1],
          [1, 1],
        ]),
        1,
        2,
      ),
    expected: [[1, 9]],
  },
  {
    name: 'oneHot: 1-D',
    kernels: ['OneHot'],
    run: () => oneHot(int([0, 2, 1]), 3),
    expected: {
      values: [
        [1, 0, 0],
        [0, 0, 1],
        [0, 1, 0],
      ],
      dtype: 'float32',
    },
  },
  {
    name: 'oneHot: from a number list',
    kernels: ['OneHot'],
    run: () => oneHot([3, 0], 4),
    expected: [
      [0, 0, 0, 1],
      [1, 0, 0, 0],
    ],
  },
  {
    name: 'oneHot: 2-D indices',
    kernels: ['OneHot'],
    run: () => oneHot(int([[1], [0]]), 2),
    expected: [[[0, 1]], [[1, 0]]],
  },
  {
    name: 'oneHot: empty indices',
    kernels: ['OneHot'],
    run: () => oneHot(int([]), 5),
    expected: { shape: [0, 5], values: [] },
  },
]);

export const indexingCases: ConformanceCase[] = indexCases;
