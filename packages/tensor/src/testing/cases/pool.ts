/** Max and average pooling and their backward kernels, with overlapping windows and padding. */
import { avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward, randn, tensor } from '@nn/tensor';
import {
  expectDense,
  type PoolWindow,
  randnValues,
  refAvgPool,
  refAvgPoolBackward,
  refMaxPool,
  refMaxPoolBackward,
} from '../reference';
import type { ConformanceCase } from '../types';
import { windowOutShape, x4x4 } from './util';

function pool(kernel: number, stride: number, pad: number): PoolWindow {
  return { kernelSize: [kernel, kernel], stride: [stride, stride], padding: [pad, pad, pad, pad] };
}

function poolLabel(p: PoolWindow): string {
  return `kernel ${p.kernelSize[0]} stride ${p.stride[0]} padding ${p.padding[0]}`;
}

function randomPool(kind: 'max' | 'avg', xShape: number[], p: PoolWindow): ConformanceCase {
  const options = { kernelSize: p.kernelSize[0], stride: p.stride[0], padding: p.padding[0] };
  return {
    name: `${kind}Pool2d: random x${JSON.stringify(xShape)} ${poolLabel(p)}`,
    kernels: [kind === 'max' ? 'MaxPool2D' : 'AvgPool2D'],
    run: () => (kind === 'max' ? maxPool2d : avgPool2d)(randn(xShape, { seed: 71 }), options),
    expected: () => expectDense((kind === 'max' ? refMaxPool : refAvgPool)(randnValues(xShape, 71), p)),
  };
}

function poolOutShape(xShape: number[], p: PoolWindow): number[] {
  return windowOutShape(xShape, p.kernelSize, p, xShape[1]!);
}

function maxBackwardCase(xShape: number[], p: PoolWindow): ConformanceCase {
  const dyShape = poolOutShape(xShape, p);
  return {
    name: `maxPool2dBackward: random x${JSON.stringify(xShape)} ${poolLabel(p)}`,
    kernels: ['MaxPool2DBackward'],
    run: () => maxPool2dBackward(randn(dyShape, { seed: 72 }), randn(xShape, { seed: 73 }), p),
    expected: () => expectDense(refMaxPoolBackward(randnValues(dyShape, 72), randnValues(xShape, 73), p)),
  };
}

function avgBackwardCase(xShape: number[], p: PoolWindow): ConformanceCase {
  const dyShape = poolOutShape(xShape, p);
  return {
    name: `avgPool2dBackward: random x${JSON.stringify(xShape)} ${poolLabel(p)}`,
    kernels: ['AvgPool2DBackward'],
    run: () => avgPool2dBackward(randn(dyShape, { seed: 74 }), { ...p, xShape }),
    expected: () => expectDense(refAvgPoolBackward(randnValues(dyShape, 74), xShape, p)),
  };
}

const ties = () =>
  tensor([
    [
      [
        [1, 1, 0],
        [1, 1, 0],
        [2, 2, 2],
      ],
    ],
  ]);

export const poolCases: ConformanceCase[] = [
  {
    name: 'maxPool2d: 2x2 stride 2, hand values',
    kernels: ['MaxPool2D'],
    run: () => maxPool2d(x4x4(), { kernelSize: 2 }),
    expected: [
      [
        [
          [6, 8],
          [14, 16],
        ],
      ],
    ],
  },
  {
    name: 'maxPool2d: padding never wins over negative values',
    kernels: ['MaxPool2D'],
    run: () =>
      maxPool2d(
        tensor([
          [
            [
              [-1, -2],
              [-3, -4],
            ],
          ],
        ]),
        { kernelSize: 2, stride: 1, padding: 1 },
      ),
    expected: [
      [
        [
          [-1, -1, -2],
          [-1, -1, -2],
          [-3, -3, -4],
        ],
      ],
    ],
  },
  {
    name: 'maxPool2d: odd size drops the last column',
    kernels: ['MaxPool2D'],
    run: () =>
      maxPool2d(
        tensor([
          [
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
          ],
        ]),
        { kernelSize: 2 },
      ),
    expected: [[[[5]]]],
  },
  randomPool('max', [2, 3, 7, 7], pool(3, 2, 1)),
  randomPool('max', [1, 2, 6, 5], pool(3, 1, 1)),
  randomPool('max', [2, 2, 8, 8], pool(2, 2, 0)),
  {
    name: 'avgPool2d: 2x2 stride 2, hand values',
    kernels: ['AvgPool2D'],
    run: () => avgPool2d(x4x4(), { kernelSize: 2 }),
    expected: [
      [
        [
          [3.5, 5.5],
          [11.5, 13.5],
        ],
      ],
    ],
  },
  {
    name: 'avgPool2d: padding counts as zeros',
    kernels: ['AvgPool2D'],
    run: () =>
      avgPool2d(
        tensor([
          [
            [
              [4, 8],
              [12, 16],
            ],
          ],
        ]),
        { kernelSize: 2, stride: 1, padding: 1 },
      ),
    expected: [
      [
        [
          [1, 3, 2],
          [4, 10, 6],
          [3, 7, 4],
        ],
      ],
    ],
  },
  randomPool('avg', [2, 3, 7, 7], pool(3, 2, 1)),
  randomPool('avg', [1, 2, 6, 5], pool(3, 1, 1)),
  {
    name: 'maxPool2dBackward: ties go to the first maximum, overlapping windows accumulate',
    kernels: ['MaxPool2DBackward'],
    run: () =>
      maxPool2dBackward(
        tensor([
          [
            [
              [1, 10],
              [100, 1000],
            ],
          ],
        ]),
        ties(),
        pool(2, 1, 0),
      ),
    expected: [
      [
        [
          [1, 10, 0],
          [0, 0, 0],
          [100, 1000, 0],
        ],
      ],
    ],
  },
  {
    name: 'maxPool2dBackward: 2x2 stride 2, hand values',
    kernels: ['MaxPool2DBackward'],
    run: () =>
      maxPool2dBackward(
        tensor([
          [
            [
              [1, 2],
              [3, 4],
            ],
          ],
        ]),
        x4x4(),
        pool(2, 2, 0),
      ),
    expected: [
      [
        [
          [0, 0, 0, 0],
          [0, 1, 0, 2],
          [0, 0, 0, 0],
          [0, 3, 0, 4],
        ],
      ],
    ],
  },
  maxBackwardCase([2, 3, 7, 7], pool(3, 2, 1)),
  maxBackwardCase([1, 2, 6, 5], pool(3, 1, 1)),
  {
    name: 'avgPool2dBackward: 2x2 stride 2, hand values',
    kernels: ['AvgPool2DBackward'],
    run: () =>
      avgPool2dBackward(
        tensor([
          [
            [
              [4, 8],
              [12, 16],
            ],
          ],
        ]),
        { ...pool(2, 2, 0), xShape: [1, 1, 4, 4] },
      ),
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
  },
  avgBackwardCase([2, 3, 7, 7], pool(3, 2, 1)),
  avgBackwardCase([1, 2, 6, 5], pool(3, 1, 1)),
  {
    name: 'avgPool2dBackward: rectangular window, uncovered border',
    kernels: ['AvgPool2DBackward'],
    run: () =>
      avgPool2dBackward(tensor([[[[6, 12]]]]), {
        kernelSize: [2, 3],
        stride: [2, 3],
        padding: [0, 0, 0, 0],
        xShape: [1, 1, 3, 7],
      }),
    expected: {
      shape: [1, 1, 3, 7],
      values: [1, 1, 1, 2, 2, 2, 0, 1, 1, 1, 2, 2, 2, 0].concat(new Array<number>(7).fill(0)),
    },
  },
];
