/** Convolution, its two backward kernels, and max/avg pooling with their backward kernels (NCHW). */
import {
  avgPool2d,
  avgPool2dBackward,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  maxPool2d,
  maxPool2dBackward,
  type PaddingSpec,
  randn,
  tensor,
  transpose,
} from '@nn/tensor';
import {
  expectDense,
  type PoolWindow,
  randnValues,
  refAvgPool,
  refAvgPoolBackward,
  refConv2d,
  refConv2dBackpropFilter,
  refConv2dBackpropInput,
  refMaxPool,
  refMaxPoolBackward,
  refTranspose,
  type Window,
} from '../reference';
import type { ConformanceCase } from '../types';

type Pair = readonly [number, number];
type Pad4 = readonly [number, number, number, number];

/** conv2d of seeded random x [xShape] and w [wShape] against direct convolution; `padding` is what the op resolves to. */
function randomConv(
  label: string,
  xShape: number[],
  wShape: number[],
  stride: Pair,
  option: PaddingSpec,
  padding: Pad4,
): ConformanceCase {
  return {
    name: `conv2d: ${label} x${JSON.stringify(xShape)} w${JSON.stringify(wShape)}`,
    kernels: ['Conv2D'],
    run: () =>
      conv2d(randn(xShape, { seed: 61 }), randn(wShape, { seed: 62 }), {
        stride: [stride[0], stride[1]],
        padding: option,
      }),
    expected: () => expectDense(refConv2d(randnValues(xShape, 61), randnValues(wShape, 62), { stride, padding })),
  };
}

function outShape(xShape: number[], k: Pair, { stride, padding }: Window, channels: number): number[] {
  const oh = Math.floor((xShape[2]! + padding[0] + padding[1] - k[0]) / stride[0]) + 1;
  const ow = Math.floor((xShape[3]! + padding[2] + padding[3] - k[1]) / stride[1]) + 1;
  return [xShape[0]!, channels, oh, ow];
}

function backpropInputCase(xShape: number[], wShape: number[], window: Window): ConformanceCase {
  const dyShape = outShape(xShape, [wShape[2]!, wShape[3]!], window, wShape[0]!);
  return {
    name: `conv2dBackpropInput: x${JSON.stringify(xShape)} w${JSON.stringify(wShape)} stride ${window.stride} padding ${window.padding}`,
    kernels: ['Conv2DBackpropInput'],
    run: () => conv2dBackpropInput(randn(dyShape, { seed: 63 }), randn(wShape, { seed: 64 }), { ...window, xShape }),
    expected: () =>
      expectDense(refConv2dBackpropInput(randnValues(dyShape, 63), randnValues(wShape, 64), xShape, window)),
  };
}

function backpropFilterCase(xShape: number[], wShape: number[], window: Window): ConformanceCase {
  const dyShape = outShape(xShape, [wShape[2]!, wShape[3]!], window, wShape[0]!);
  return {
    name: `conv2dBackpropFilter: x${JSON.stringify(xShape)} w${JSON.stringify(wShape)} stride ${window.stride} padding ${window.padding}`,
    kernels: ['Conv2DBackpropFilter'],
    run: () => conv2dBackpropFilter(randn(xShape, { seed: 65 }), randn(dyShape, { seed: 66 }), { ...window, wShape }),
    expected: () =>
      expectDense(refConv2dBackpropFilter(randnValues(xShape, 65), randnValues(dyShape, 66), wShape, window)),
  };
}

const x4x4 = () =>
  tensor([
    [
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        [9, 10, 11, 12],
        [13, 14, 15, 16],
      ],
    ],
  ]);

const convCases: ConformanceCase[] = [
  {
    name: 'conv2d: 1 channel 3x3 by 2x2, hand values',
    kernels: ['Conv2D'],
    run: () =>
      conv2d(
        tensor([
          [
            [
              [1, 2, 3],
              [4, 5, 6],
              [7, 8, 9],
            ],
          ],
        ]),
        tensor([
          [
            [
              [1, 0],
              [0, -1],
            ],
          ],
        ]),
      ),
    expected: [
      [
        [
          [-4, -4],
          [-4, -4],
        ],
      ],
    ],
  },
  {
    name: 'conv2d: stride 2, padding 1, hand values',
    kernels: ['Conv2D'],
    run: () =>
      conv2d(
        x4x4(),
        tensor([
          [
            [
              [1, 1],
              [1, 1],
            ],
          ],
        ]),
        { stride: 2, padding: 1 },
      ),
    expected: [
      [
        [
          [1, 5, 4],
          [14, 34, 20],
          [13, 29, 16],
        ],
      ],
    ],
  },
  randomConv('multi-channel', [2, 3, 7, 6], [4, 3, 3, 2], [1, 1], 0, [0, 0, 0, 0]),
  randomConv('padding 2', [1, 2, 5, 5], [3, 2, 5, 5], [1, 1], 2, [2, 2, 2, 2]),
  randomConv("'same' stride 1", [2, 2, 6, 5], [3, 2, 3, 3], [1, 1], 'same', [1, 1, 1, 1]),
  randomConv("'same' stride 2 (odd padding after)", [1, 2, 6, 7], [2, 2, 3, 3], [2, 2], 'same', [0, 1, 1, 1]),
  randomConv("'valid' stride [2,1]", [1, 3, 9, 8], [2, 3, 3, 2], [2, 1], 'valid', [0, 0, 0, 0]),
  randomConv('1x1 kernel', [2, 5, 3, 4], [6, 5, 1, 1], [1, 1], 0, [0, 0, 0, 0]),
  randomConv('padding [1,2] stride 3', [1, 4, 10, 11], [5, 4, 4, 3], [3, 3], [1, 2], [1, 1, 2, 2]),
  randomConv('LeNet-like 5x5', [2, 1, 28, 28], [6, 1, 5, 5], [1, 1], 2, [2, 2, 2, 2]),
  {
    name: 'conv2d: of a transposed (NHWC -> NCHW) input',
    kernels: ['Transpose', 'Conv2D'],
    run: () => conv2d(transpose(randn([1, 5, 4, 3], { seed: 67 }), [0, 3, 1, 2]), randn([2, 3, 2, 2], { seed: 68 })),
    expected: () =>
      expectDense(
        refConv2d(refTranspose(randnValues([1, 5, 4, 3], 67), [0, 3, 1, 2]), randnValues([2, 3, 2, 2], 68), {
          stride: [1, 1],
          padding: [0, 0, 0, 0],
        }),
      ),
  },
  backpropInputCase([2, 3, 7, 6], [4, 3, 3, 2], { stride: [1, 1], padding: [0, 0, 0, 0] }),
  backpropInputCase([1, 2, 7, 8], [3, 2, 3, 3], { stride: [2, 2], padding: [1, 1, 1, 1] }),
  backpropInputCase([1, 2, 6, 7], [2, 2, 3, 3], { stride: [2, 2], padding: [0, 1, 1, 1] }),
  backpropInputCase([2, 1, 9, 9], [2, 1, 4, 2], { stride: [3, 2], padding: [2, 2, 0, 0] }),
  backpropFilterCase([2, 3, 7, 6], [4, 3, 3, 2], { stride: [1, 1], padding: [0, 0, 0, 0] }),
  backpropFilterCase([1, 2, 7, 8], [3, 2, 3, 3], { stride: [2, 2], padding: [1, 1, 1, 1] }),
  backpropFilterCase([1, 2, 6, 7], [2, 2, 3, 3], { stride: [2, 2], padding: [0, 1, 1, 1] }),
  backpropFilterCase([2, 1, 9, 9], [2, 1, 4, 2], { stride: [3, 2], padding: [2, 2, 0, 0] }),
];

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
  return outShape(xShape, p.kernelSize, p, xShape[1]!);
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

const poolCases: ConformanceCase[] = [
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

export const imageCases: ConformanceCase[] = [...convCases, ...poolCases];
