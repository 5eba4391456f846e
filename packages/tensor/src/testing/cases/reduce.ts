/** Reductions: sum, max, min, argmax, and mean through them. */
import { argmax, max, mean, min, randn, slice, sum, tensor, transpose, zeros } from '@nn/tensor';
import { randnValues } from '../reference';
import type { ConformanceCase } from '../types';
import { cube, int } from './util';

/** Sum of a seeded [4, 5, 6] tensor over `axes`, in float64. */
function refSum(axes: number[]) {
  const x = randnValues([4, 5, 6], 21);
  const shape = x.shape.filter((_, i) => !axes.includes(i));
  const values = new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0);
  x.values.forEach((v, flat) => {
    const index = [Math.floor(flat / 30), Math.floor(flat / 6) % 5, flat % 6];
    const kept = index.filter((_, i) => !axes.includes(i));
    const target = kept.reduce((acc, d, i) => acc * shape[i]! + d, 0);
    values[target]! += v;
  });
  return { shape, values };
}

const sumCases: ConformanceCase[] = [
  {
    name: 'sum: all axes to a scalar',
    kernels: ['Sum'],
    run: () =>
      sum(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    expected: 10,
  },
  {
    name: 'sum: axis 0',
    kernels: ['Sum'],
    run: () => sum(cube(), 0),
    expected: [
      [14, 16, 18, 20],
      [22, 24, 26, 28],
      [30, 32, 34, 36],
    ],
  },
  {
    name: 'sum: negative axis -1',
    kernels: ['Sum'],
    run: () => sum(cube(), -1),
    expected: [
      [10, 26, 42],
      [58, 74, 90],
    ],
  },
  {
    name: 'sum: middle axis with keepDims',
    kernels: ['Sum'],
    run: () => sum(cube(), 1, true),
    expected: [[[15, 18, 21, 24]], [[51, 54, 57, 60]]],
  },
  {
    name: 'sum: two non-adjacent axes [0, 2]',
    kernels: ['Sum'],
    run: () => sum(cube(), [0, 2]),
    expected: [68, 100, 132],
  },
  {
    name: 'sum: axes [-1, 0] keepDims',
    kernels: ['Sum'],
    run: () => sum(cube(), [-1, 0], true),
    expected: [[[68], [100], [132]]],
  },
  { name: 'sum: over a size-1 axis', kernels: ['Sum'], run: () => sum(tensor([[1, 2, 3]]), 0), expected: [1, 2, 3] },
  { name: 'sum: over an empty axis is 0', kernels: ['Sum'], run: () => sum(zeros([0, 3]), 0), expected: [0, 0, 0] },
  {
    name: 'sum: keeping an empty axis',
    kernels: ['Sum'],
    run: () => sum(zeros([0, 3]), 1),
    expected: { shape: [0], values: [] },
  },
  {
    name: 'sum: int32 stays int32',
    kernels: ['Sum'],
    run: () =>
      sum(
        int([
          [1, -2],
          [3, 40],
        ]),
        1,
      ),
    expected: { values: [-1, 43], dtype: 'int32' },
  },
  {
    name: 'sum: float64',
    kernels: ['Sum'],
    dtypes: ['float64'],
    run: () => sum(tensor([0.1, 0.2, 0.3], undefined, 'float64')),
    expected: { values: 0.1 + 0.2 + 0.3, dtype: 'float64' },
    tolerance: 1e-15,
  },
  {
    name: 'sum: of a transposed input',
    kernels: ['Transpose', 'Sum'],
    run: () => sum(transpose(cube(), [2, 0, 1]), 2),
    expected: [
      [15, 51],
      [18, 54],
      [21, 57],
      [24, 60],
    ],
  },
  {
    name: 'sum: random [4,5,6] over axis 1',
    kernels: ['Sum'],
    run: () => sum(randn([4, 5, 6], { seed: 21 }), 1),
    expected: () => refSum([1]),
  },
  {
    name: 'sum: random [4,5,6] over axes [0,2]',
    kernels: ['Sum'],
    run: () => sum(randn([4, 5, 6], { seed: 21 }), [0, 2]),
    expected: () => refSum([0, 2]),
  },
  {
    name: 'sum: random [4,5,6] over all axes',
    kernels: ['Sum'],
    run: () => sum(randn([4, 5, 6], { seed: 21 })),
    expected: () => refSum([0, 1, 2]),
  },
  {
    name: 'sum: long row of 10000 ones',
    kernels: ['Sum'],
    run: () => sum(tensor(new Float32Array(10000).fill(1)), 0),
    expected: 10000,
  },
  {
    name: 'mean: axis and int32 input',
    kernels: ['Cast', 'Sum', 'Div'],
    run: () =>
      mean(
        int([
          [1, 2],
          [4, 4],
        ]),
        1,
      ),
    expected: { values: [1.5, 4], dtype: 'float32' },
  },
  { name: 'mean: all axes', kernels: ['Sum', 'Div'], run: () => mean(cube()), expected: 12.5 },
];

const extremaCases: ConformanceCase[] = [
  {
    name: 'max: all axes',
    kernels: ['Max'],
    run: () =>
      max(
        tensor([
          [1, 7],
          [3, -4],
        ]),
      ),
    expected: 7,
  },
  {
    name: 'max: all negative values',
    kernels: ['Max'],
    run: () =>
      max(
        tensor([
          [-5, -2],
          [-3, -4],
        ]),
        1,
      ),
    expected: [-2, -3],
  },
  {
    name: 'max: axis 0 keepDims',
    kernels: ['Max'],
    run: () => max(cube(), 0, true),
    expected: [
      [
        [13, 14, 15, 16],
        [17, 18, 19, 20],
        [21, 22, 23, 24],
      ],
    ],
  },
  { name: 'max: axes [0, -1]', kernels: ['Max'], run: () => max(cube(), [0, -1]), expected: [16, 20, 24] },
  {
    name: 'max: int32',
    kernels: ['Max'],
    run: () =>
      max(
        int([
          [1, -9],
          [-3, -4],
        ]),
        0,
      ),
    expected: { values: [1, -4], dtype: 'int32' },
  },
  {
    name: 'max: with infinities',
    kernels: ['Max'],
    run: () => max(tensor([Number.NEGATIVE_INFINITY, -1e30]), 0),
    expected: -1e30,
  },
  {
    name: 'max: of a slice',
    kernels: ['Slice', 'Max'],
    run: () => max(slice(cube(), [0, 1, 1], [2, 2, 2]), [1, 2]),
    expected: [11, 23],
  },
  {
    name: 'min: all axes',
    kernels: ['Min'],
    run: () =>
      min(
        tensor([
          [1, 7],
          [3, -4],
        ]),
      ),
    expected: -4,
  },
  {
    name: 'min: all positive values',
    kernels: ['Min'],
    run: () =>
      min(
        tensor([
          [5, 2],
          [3, 4],
        ]),
        -1,
      ),
    expected: [2, 3],
  },
  {
    name: 'min: middle axis keepDims',
    kernels: ['Min'],
    run: () => min(cube(), 1, true),
    expected: [[[1, 2, 3, 4]], [[13, 14, 15, 16]]],
  },
  {
    name: 'min: int32',
    kernels: ['Min'],
    run: () =>
      min(
        int([
          [1, -9],
          [-3, -4],
        ]),
        1,
      ),
    expected: { values: [-9, -4], dtype: 'int32' },
  },
  {
    name: 'argmax: last axis, int32 output',
    kernels: ['ArgMax'],
    run: () =>
      argmax(
        tensor([
          [1, 3, 2],
          [9, -1, 0],
        ]),
        -1,
      ),
    expected: { values: [1, 0], dtype: 'int32' },
  },
  {
    name: 'argmax: ties give the first index',
    kernels: ['ArgMax'],
    run: () =>
      argmax(
        tensor([
          [2, 5, 5, 1],
          [7, 7, 7, 7],
        ]),
        1,
      ),
    expected: { values: [1, 0], dtype: 'int32' },
  },
  {
    name: 'argmax: ties along axis 0',
    kernels: ['ArgMax'],
    run: () =>
      argmax(
        tensor([
          [1, 4],
          [3, 4],
          [3, 2],
        ]),
        0,
      ),
    expected: { values: [1, 0], dtype: 'int32' },
  },
  {
    name: 'argmax: middle axis of rank 3',
    kernels: ['ArgMax'],
    run: () =>
      argmax(
        tensor([
          [
            [1, 9],
            [5, 2],
          ],
          [
            [0, 0],
            [-1, 3],
          ],
        ]),
        1,
      ),
    expected: {
      values: [
        [1, 0],
        [0, 1],
      ],
      dtype: 'int32',
    },
  },
  {
    name: 'argmax: all negative, int32 input',
    kernels: ['ArgMax'],
    run: () => argmax(int([[-5, -2, -9]]), -1),
    expected: { values: [1], dtype: 'int32' },
  },
  {
    name: 'argmax: of a transposed input',
    kernels: ['Transpose', 'ArgMax'],
    run: () =>
      argmax(
        transpose(
          tensor([
            [1, 5],
            [7, 2],
            [3, 9],
          ]),
        ),
        1,
      ),
    expected: { values: [1, 2], dtype: 'int32' },
  },
];

export const reduceCases: ConformanceCase[] = [...sumCases, ...extremaCases];
