/** Joining, padding and indexing: concat/stack, pad, gather/scatterAdd, oneHot. */
import { concat, expandDims, gather, oneHot, pad, scatterAdd, stack, tensor, transpose, zeros } from '@nn/tensor';
import type { ConformanceCase } from '../types';
import { cube, exactAll, int, m23 } from './util';

const concatCases: ConformanceCase[] = exactAll([
  {
    name: 'concat: axis 0',
    kernels: ['Concat'],
    run: () => concat([m23(), tensor([[7, 8, 9]])], 0),
    expected: [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ],
  },
  {
    name: 'concat: axis 1 of three',
    kernels: ['Concat'],
    run: () =>
      concat(
        [
          tensor([[1], [2]]),
          m23(),
          tensor([
            [0, 0],
            [9, 9],
          ]),
        ],
        1,
      ),
    expected: [
      [1, 1, 2, 3, 0, 0],
      [2, 4, 5, 6, 9, 9],
    ],
  },
  {
    name: 'concat: negative axis on rank 3',
    kernels: ['Concat'],
    run: () => concat([tensor([[[1]], [[2]]]), tensor([[[3, 4]], [[5, 6]]])], -1),
    expected: [[[1, 3, 4]], [[2, 5, 6]]],
  },
  {
    name: 'concat: with an empty part',
    kernels: ['Concat'],
    run: () => concat([zeros([2, 0]), m23(), zeros([2, 0])], 1),
    expected: [
      [1, 2, 3],
      [4, 5, 6],
    ],
  },
  {
    name: 'concat: all empty',
    kernels: ['Concat'],
    run: () => concat([zeros([0, 2]), zeros([0, 2])], 0),
    expected: { shape: [0, 2], values: [] },
  },
  {
    name: 'concat: int32',
    kernels: ['Concat'],
    run: () => concat([int([1, 2]), int([3])]),
    expected: { values: [1, 2, 3], dtype: 'int32' },
  },
  {
    name: 'concat: transposed parts',
    kernels: ['Transpose', 'Concat'],
    run: () => concat([transpose(m23()), transpose(m23())], 1),
    expected: [
      [1, 4, 1, 4],
      [2, 5, 2, 5],
      [3, 6, 3, 6],
    ],
  },
  {
    name: 'stack: axis 0',
    kernels: ['Reshape', 'Concat'],
    run: () => stack([tensor([1, 2]), tensor([3, 4]), tensor([5, 6])]),
    expected: [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
  },
  {
    name: 'stack: axis -1',
    kernels: ['Reshape', 'Concat'],
    run: () => stack([tensor([1, 2]), tensor([3, 4])], -1),
    expected: [
      [1, 3],
      [2, 4],
    ],
  },
  {
    name: 'expandDims: then concat on the new axis',
    kernels: ['Reshape', 'Concat'],
    run: () => concat([expandDims(m23(), 1), expandDims(m23(), 1)], 1),
    expected: [
      [
        [1, 2, 3],
        [1, 2, 3],
      ],
      [
        [4, 5, 6],
        [4, 5, 6],
      ],
    ],
  },
]);

const padCases: ConformanceCase[] = exactAll([
  {
    name: 'pad: 2-D asymmetric with a value',
    kernels: ['Pad'],
    run: () =>
      pad(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        [
          [1, 0],
          [0, 2],
        ],
        -1,
      ),
    expected: [
      [-1, -1, -1, -1],
      [1, 2, -1, -1],
      [3, 4, -1, -1],
    ],
  },
  { name: 'pad: 1-D zeros', kernels: ['Pad'], run: () => pad(tensor([5, 6]), [[2, 1]]), expected: [0, 0, 5, 6, 0] },
  {
    name: 'pad: no padding',
    kernels: ['Pad'],
    run: () =>
      pad(m23(), [
        [0, 0],
        [0, 0],
      ]),
    expected: [
      [1, 2, 3],
      [4, 5, 6],
    ],
  },
  {
    name: 'pad: int32',
    kernels: ['Pad'],
    run: () =>
      pad(
        int([[1]]),
        [
          [1, 1],
          [1, 1],
        ],
        7,
      ),
    expected: {
      values: [
        [7, 7, 7],
        [7, 1, 7],
        [7, 7, 7],
      ],
      dtype: 'int32',
    },
  },
  {
    name: 'pad: an empty axis',
    kernels: ['Pad'],
    run: () =>
      pad(
        zeros([0, 2]),
        [
          [1, 0],
          [0, 0],
        ],
        3,
      ),
    expected: [[3, 3]],
  },
  {
    name: 'pad: rank 3 of a transpose',
    kernels: ['Transpose', 'Pad'],
    run: () =>
      pad(transpose(tensor([[[1, 2]]]), [2, 0, 1]), [
        [0, 0],
        [1, 0],
        [0, 1],
      ]),
    expected: [
      [
        [0, 0],
        [1, 0],
      ],
      [
        [0, 0],
        [2, 0],
      ],
    ],
  },
]);

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

export const indexingCases: ConformanceCase[] = [...concatCases, ...padCases, ...indexCases];
