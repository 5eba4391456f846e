/**
 * interpolate and adaptiveAvgPool2d: composites of gather, mul/add, matmul and avgPool2d, checked with hand values
 * (PyTorch's) so that every backend's kernels compose to the same resize.
 */
import { adaptiveAvgPool2d, interpolate, tensor } from '@nn/tensor';
import type { ConformanceCase } from '../types';
import { x4x4 } from './util';

/** [[1, 2], [3, 4]] as a [1, 1, 2, 2] image. */
const x2x2 = () => tensor([1, 2, 3, 4], [1, 1, 2, 2]);

export const resizeCases: ConformanceCase[] = [
  {
    name: 'interpolate: nearest scaleFactor 2',
    kernels: ['Gather'],
    run: () => interpolate(x2x2(), { scaleFactor: 2 }),
    expected: [
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ],
    tolerance: 'exact',
  },
  {
    name: 'interpolate: nearest size [2, 3] down from 4x4, int32',
    kernels: ['Gather'],
    run: () => interpolate(x4x4().cast('int32'), { size: [2, 3] }),
    expected: {
      values: [
        [
          [
            [1, 2, 3],
            [9, 10, 11],
          ],
        ],
      ],
      dtype: 'int32',
    },
  },
  {
    name: 'interpolate: bilinear scaleFactor 2, no alignCorners',
    kernels: ['Gather', 'Mul', 'Add'],
    run: () => interpolate(x2x2(), { scaleFactor: 2, mode: 'bilinear' }),
    expected: [
      [
        [
          [1, 1.25, 1.75, 2],
          [1.5, 1.75, 2.25, 2.5],
          [2.5, 2.75, 3.25, 3.5],
          [3, 3.25, 3.75, 4],
        ],
      ],
    ],
  },
  {
    name: 'interpolate: bilinear size 3, alignCorners',
    kernels: ['Gather', 'Mul', 'Add'],
    run: () => interpolate(x2x2(), { size: 3, mode: 'bilinear', alignCorners: true }),
    expected: [
      [
        [
          [1, 1.5, 2],
          [2, 2.5, 3],
          [3, 3.5, 4],
        ],
      ],
    ],
  },
  {
    name: 'interpolate: bilinear of a 1x1 image and to a 1x1 image',
    kernels: ['Gather', 'Mul', 'Add'],
    run: () => [
      interpolate(tensor([5], [1, 1, 1, 1]), { size: [2, 3], mode: 'bilinear' }),
      interpolate(x4x4(), { size: 1, mode: 'bilinear' }),
    ],
    // 4x4 to 1x1 samples source (0.5 * 4 - 0.5) = 1.5 on both axes: the mean of 6, 7, 10, 11.
    expected: [
      [
        [
          [
            [5, 5, 5],
            [5, 5, 5],
          ],
        ],
      ],
      [[[[8.5]]]],
    ],
  },
  {
    name: 'adaptiveAvgPool2d: overlapping windows, 4x4 to 3x3',
    kernels: ['MatMul'],
    run: () => adaptiveAvgPool2d(x4x4(), 3),
    expected: [
      [
        [
          [3.5, 4.5, 5.5],
          [7.5, 8.5, 9.5],
          [11.5, 12.5, 13.5],
        ],
      ],
    ],
  },
  {
    name: 'adaptiveAvgPool2d: regular windows (avgPool2d) and global (mean)',
    kernels: ['AvgPool2D', 'Sum'],
    run: () => [adaptiveAvgPool2d(x4x4(), [2, 2]), adaptiveAvgPool2d(x4x4(), 1)],
    expected: [
      [
        [
          [
            [3.5, 5.5],
            [11.5, 13.5],
          ],
        ],
      ],
      [[[[8.5]]]],
    ],
  },
];
