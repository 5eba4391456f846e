/** Data movement without indices: reshape, broadcastTo, transpose, slice, concat/stack, pad. */
import {
  add,
  broadcastTo,
  concat,
  expandDims,
  flatten,
  pad,
  randn,
  reshape,
  slice,
  stack,
  tensor,
  transpose,
  zeros,
} from '@nn/tensor';
import { expectDense, randnValues, refTranspose } from '../reference';
import type { ConformanceCase } from '../types';
import { cube, exactAll, int, m23 } from './util';

const reshapeCases: ConformanceCase[] = exactAll([
  {
    name: 'reshape: with -1',
    kernels: ['Reshape'],
    run: () => reshape(m23(), [3, -1]),
    expected: [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
  },
  {
    name: 'reshape: to a scalar and back',
    kernels: ['Reshape'],
    run: () => reshape(reshape(tensor([7]), []), [1, 1]),
    expected: [[7]],
  },
  {
    name: 'reshape: empty tensor',
    kernels: ['Reshape'],
    run: () => reshape(zeros([0, 4]), [2, 0, 2]),
    expected: { shape: [2, 0, 2], values: [] },
  },
  {
    name: 'reshape: of a transpose reads the transposed order',
    kernels: ['Transpose', 'Reshape'],
    run: () => reshape(transpose(m23()), [6]),
    expected: [1, 4, 2, 5, 3, 6],
  },
  {
    name: 'flatten: NCHW to [N, CHW]',
    kernels: ['Reshape'],
    run: () => flatten(cube()),
    expected: { shape: [2, 12], values: Array.from({ length: 24 }, (_, i) => i + 1) },
  },
  {
    name: 'broadcastTo: [3] to [2,3]',
    kernels: ['BroadcastTo'],
    run: () => broadcastTo(tensor([1, 2, 3]), [2, 3]),
    expected: [
      [1, 2, 3],
      [1, 2, 3],
    ],
  },
  {
    name: 'broadcastTo: size-1 axes [2,1] to [3,2,4]',
    kernels: ['BroadcastTo'],
    run: () => broadcastTo(tensor([[1], [2]]), [3, 2, 4]),
    expected: [0, 1, 2].map(() => [
      [1, 1, 1, 1],
      [2, 2, 2, 2],
    ]),
  },
  {
    name: 'broadcastTo: scalar, int32',
    kernels: ['BroadcastTo'],
    run: () => broadcastTo(tensor(5, [], 'int32'), [2, 2]),
    expected: {
      values: [
        [5, 5],
        [5, 5],
      ],
      dtype: 'int32',
    },
  },
  {
    name: 'broadcastTo: to a size-0 axis',
    kernels: ['BroadcastTo'],
    run: () => broadcastTo(tensor([[1, 2]]), [0, 2]),
    expected: { shape: [0, 2], values: [] },
  },
]);

const transposeCases: ConformanceCase[] = exactAll([
  {
    name: 'transpose: 2-D default',
    kernels: ['Transpose'],
    run: () => transpose(m23()),
    expected: [
      [1, 4],
      [2, 5],
      [3, 6],
    ],
  },
  {
    name: 'transpose: 3-D default reverses axes',
    kernels: ['Transpose'],
    run: () => transpose(cube()),
    expected: () =>
      expectDense(refTranspose({ shape: [2, 3, 4], values: Array.from({ length: 24 }, (_, i) => i + 1) }, [2, 1, 0])),
  },
  {
    name: 'transpose: perm [1, 0, 2]',
    kernels: ['Transpose'],
    run: () => transpose(cube(), [1, 0, 2]),
    expected: [
      [
        [1, 2, 3, 4],
        [13, 14, 15, 16],
      ],
      [
        [5, 6, 7, 8],
        [17, 18, 19, 20],
      ],
      [
        [9, 10, 11, 12],
        [21, 22, 23, 24],
      ],
    ],
  },
  {
    name: 'transpose: negative axes in perm',
    kernels: ['Transpose'],
    run: () => transpose(m23(), [-1, -2]),
    expected: [
      [1, 4],
      [2, 5],
      [3, 6],
    ],
  },
  {
    name: 'transpose: int32',
    kernels: ['Transpose'],
    run: () =>
      transpose(
        int([
          [1, 2],
          [3, 4],
        ]),
      ),
    expected: {
      values: [
        [1, 3],
        [2, 4],
      ],
      dtype: 'int32',
    },
  },
  {
    name: 'transpose: size-0 axis',
    kernels: ['Transpose'],
    run: () => transpose(zeros([0, 3])),
    expected: { shape: [3, 0], values: [] },
  },
  {
    name: 'transpose: random 33x70 (crosses tile edges)',
    kernels: ['Transpose'],
    run: () => transpose(randn([33, 70], { seed: 31 })),
    expected: () => expectDense(refTranspose(randnValues([33, 70], 31), [1, 0])),
  },
  {
    name: 'transpose: random 4-D perm [2, 0, 3, 1]',
    kernels: ['Transpose'],
    run: () => transpose(randn([2, 3, 4, 5], { seed: 32 }), [2, 0, 3, 1]),
    expected: () => expectDense(refTranspose(randnValues([2, 3, 4, 5], 32), [2, 0, 3, 1])),
  },
  {
    name: 'transpose: twice, of a transpose',
    kernels: ['Transpose'],
    run: () => transpose(transpose(cube(), [2, 0, 1]), [1, 2, 0]),
    expected: { shape: [2, 3, 4], values: Array.from({ length: 24 }, (_, i) => i + 1) },
  },
]);

const sliceCases: ConformanceCase[] = exactAll([
  {
    name: 'slice: middle block',
    kernels: ['Slice'],
    run: () => slice(cube(), [0, 1, 1], [2, 2, 2]),
    expected: [
      [
        [6, 7],
        [10, 11],
      ],
      [
        [18, 19],
        [22, 23],
      ],
    ],
  },
  {
    name: 'slice: size -1 to the end',
    kernels: ['Slice'],
    run: () => slice(m23(), [1, 1], [-1, -1]),
    expected: [[5, 6]],
  },
  { name: 'slice: default size', kernels: ['Slice'], run: () => slice(m23(), [0, 2]), expected: [[3], [6]] },
  {
    name: 'slice: empty result',
    kernels: ['Slice'],
    run: () => slice(m23(), [1, 3], [1, 0]),
    expected: { shape: [1, 0], values: [] },
  },
  {
    name: 'slice: of a transpose',
    kernels: ['Transpose', 'Slice'],
    run: () => slice(transpose(m23()), [1, 0], [2, 2]),
    expected: [
      [2, 5],
      [3, 6],
    ],
  },
  {
    name: 'slice: int32 1-D',
    kernels: ['Slice'],
    run: () => slice(int([5, 6, 7, 8]), [1], [2]),
    expected: { values: [6, 7], dtype: 'int32' },
  },
  {
    name: 'slice: slice fed into add',
    kernels: ['Slice', 'Add'],
    run: () => add(slice(m23(), [0, 1], [2, 2]), slice(m23(), [0, 0], [2, 2])),
    expected: [
      [3, 5],
      [9, 11],
    ],
  },
]);

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

export const shapeCases: ConformanceCase[] = [
  ...reshapeCases,
  ...transposeCases,
  ...sliceCases,
  ...concatCases,
  ...padCases,
];
