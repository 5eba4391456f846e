/** conv2d and its two backward kernels against direct-convolution references (NCHW). */
import {
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  type PaddingSpec,
  randn,
  tensor,
  transpose,
} from '@nn/tensor';
import {
  expectDense,
  randnValues,
  refConv2d,
  refConv2dBackpropFilter,
  refConv2dBackpropInput,
  refTranspose,
  type Window,
} from '../reference';
import type { ConformanceCase } from '../types';
import { windowOutShape, x4x4 } from './util';

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

function backpropInputCase(xShape: number[], wShape: number[], window: Window): ConformanceCase {
  const dyShape = windowOutShape(xShape, [wShape[2]!, wShape[3]!], window, wShape[0]!);
  return {
    name: `conv2dBackpropInput: x${JSON.stringify(xShape)} w${JSON.stringify(wShape)} stride ${window.stride} padding ${window.padding}`,
    kernels: ['Conv2DBackpropInput'],
    run: () => conv2dBackpropInput(randn(dyShape, { seed: 63 }), randn(wShape, { seed: 64 }), { ...window, xShape }),
    expected: () =>
      expectDense(refConv2dBackpropInput(randnValues(dyShape, 63), randnValues(wShape, 64), xShape, window)),
  };
}

function backpropFilterCase(xShape: number[], wShape: number[], window: Window): ConformanceCase {
  const dyShape = windowOutShape(xShape, [wShape[2]!, wShape[3]!], window, wShape[0]!);
  return {
    name: `conv2dBackpropFilter: x${JSON.stringify(xShape)} w${JSON.stringify(wShape)} stride ${window.stride} padding ${window.padding}`,
    kernels: ['Conv2DBackpropFilter'],
    run: () => conv2dBackpropFilter(randn(xShape, { seed: 65 }), randn(dyShape, { seed: 66 }), { ...window, wShape }),
    expected: () =>
      expectDense(refConv2dBackpropFilter(randnValues(xShape, 65), randnValues(dyShape, 66), wShape, window)),
  };
}

export const convCases: ConformanceCase[] = [
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
