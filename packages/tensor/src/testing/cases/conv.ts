/**
 * conv2d (with dilation and groups), its two backward kernels, conv1d and convTranspose2d (which run on them)
 * against direct-convolution references (NCHW).
 */
import {
  conv1d,
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  convTranspose2d,
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
  { dilation = [1, 1], groups = 1 }: { dilation?: Pair; groups?: number } = {},
): ConformanceCase {
  return {
    name: `conv2d: ${label} x${JSON.stringify(xShape)} w${JSON.stringify(wShape)}`,
    kernels: ['Conv2D'],
    run: () =>
      conv2d(randn(xShape, { seed: 61 }), randn(wShape, { seed: 62 }), {
        stride: [stride[0], stride[1]],
        padding: option,
        dilation: [dilation[0], dilation[1]],
        groups,
      }),
    expected: () =>
      expectDense(refConv2d(randnValues(xShape, 61), randnValues(wShape, 62), { stride, padding, dilation, groups })),
  };
}

/** The extent of w's kernel under `window`'s dilation. */
function extent(wShape: number[], { dilation = [1, 1] }: Window): [number, number] {
  return [dilation[0] * (wShape[2]! - 1) + 1, dilation[1] * (wShape[3]! - 1) + 1];
}

/** A window's name: stride and padding, and dilation and groups where they are not 1. */
function windowLabel({ stride, padding, dilation, groups }: Window): string {
  const extra = `${dilation === undefined ? '' : ` dilation ${dilation}`}${groups === undefined ? '' : ` groups ${groups}`}`;
  return `stride ${stride} padding ${padding}${extra}`;
}

function backpropInputCase(xShape: number[], wShape: number[], window: Window): ConformanceCase {
  const dyShape = windowOutShape(xShape, extent(wShape, window), window, wShape[0]!);
  return {
    name: `conv2dBackpropInput: x${JSON.stringify(xShape)} w${JSON.stringify(wShape)} ${windowLabel(window)}`,
    kernels: ['Conv2DBackpropInput'],
    run: () => conv2dBackpropInput(randn(dyShape, { seed: 63 }), randn(wShape, { seed: 64 }), { ...window, xShape }),
    expected: () =>
      expectDense(refConv2dBackpropInput(randnValues(dyShape, 63), randnValues(wShape, 64), xShape, window)),
  };
}

function backpropFilterCase(xShape: number[], wShape: number[], window: Window): ConformanceCase {
  const dyShape = windowOutShape(xShape, extent(wShape, window), window, wShape[0]!);
  return {
    name: `conv2dBackpropFilter: x${JSON.stringify(xShape)} w${JSON.stringify(wShape)} ${windowLabel(window)}`,
    kernels: ['Conv2DBackpropFilter'],
    run: () => conv2dBackpropFilter(randn(xShape, { seed: 65 }), randn(dyShape, { seed: 66 }), { ...window, wShape }),
    expected: () =>
      expectDense(refConv2dBackpropFilter(randnValues(xShape, 65), randnValues(dyShape, 66), wShape, window)),
  };
}

/**
 * convTranspose2d of x [xShape] by w [inC, outC / groups, kH, kW]: the input gradient of the convolution by w whose
 * output x is, with the output size PyTorch gives it (outputPadding extends it at the bottom/right).
 */
function transposeCase(
  xShape: number[],
  wShape: number[],
  stride: Pair,
  pad: Pair,
  outPad: Pair,
  groups = 1,
): ConformanceCase {
  const size = (axis: 0 | 1) =>
    (xShape[2 + axis]! - 1) * stride[axis] - 2 * pad[axis] + wShape[2 + axis]! + outPad[axis];
  const outShape = [xShape[0]!, wShape[1]! * groups, size(0), size(1)];
  const window: Window = { stride, padding: [pad[0], pad[0], pad[1], pad[1]], groups };
  return {
    name: `convTranspose2d: x${JSON.stringify(xShape)} w${JSON.stringify(wShape)} stride ${stride} padding ${pad} outputPadding ${outPad} groups ${groups}`,
    kernels: ['Conv2DBackpropInput'],
    run: () =>
      convTranspose2d(randn(xShape, { seed: 69 }), randn(wShape, { seed: 70 }), {
        stride: [stride[0], stride[1]],
        padding: [pad[0], pad[1]],
        outputPadding: [outPad[0], outPad[1]],
        groups,
      }),
    expected: () =>
      expectDense(refConv2dBackpropInput(randnValues(xShape, 69), randnValues(wShape, 70), outShape, window)),
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
  randomConv('dilation 2 padding 2', [1, 2, 7, 6], [3, 2, 3, 3], [1, 1], 2, [2, 2, 2, 2], { dilation: [2, 2] }),
  randomConv('dilation [3,1] stride 2', [2, 2, 9, 5], [2, 2, 2, 3], [2, 2], 0, [0, 0, 0, 0], { dilation: [3, 1] }),
  randomConv('groups 2', [2, 4, 5, 6], [6, 2, 3, 3], [1, 1], 1, [1, 1, 1, 1], { groups: 2 }),
  randomConv('depthwise dilation 2 stride 2', [1, 3, 8, 8], [6, 1, 3, 3], [2, 2], 2, [2, 2, 2, 2], {
    dilation: [2, 2],
    groups: 3,
  }),
  randomConv('1x1 kernel groups 2', [2, 4, 3, 3], [2, 2, 1, 1], [1, 1], 0, [0, 0, 0, 0], { groups: 2 }),
  randomConv("'same' dilation 2 (size-1 image)", [2, 2, 1, 1], [2, 2, 3, 3], [1, 1], 'same', [2, 2, 2, 2], {
    dilation: [2, 2],
  }),
  {
    name: 'conv2d: dilation 2 on 4x4 by 2x2 ones, hand values',
    kernels: ['Conv2D'],
    run: () => conv2d(x4x4(), tensor([1, 1, 1, 1], [1, 1, 2, 2]), { dilation: 2 }),
    expected: [
      [
        [
          [24, 28],
          [40, 44],
        ],
      ],
    ],
  },
  {
    name: 'conv1d: stride 2, padding 1, dilation 2 (the Conv2D kernel on one-pixel-high images)',
    kernels: ['Conv2D'],
    run: () =>
      conv1d(randn([2, 2, 9], { seed: 71 }), randn([3, 2, 3], { seed: 72 }), { stride: 2, padding: 1, dilation: 2 }),
    expected: () => {
      const window: Window = { stride: [1, 2], padding: [0, 0, 1, 1], dilation: [1, 2] };
      const y = refConv2d(
        { shape: [2, 2, 1, 9], values: randnValues([2, 2, 9], 71).values },
        { shape: [3, 2, 1, 3], values: randnValues([3, 2, 3], 72).values },
        window,
      );
      return expectDense({ shape: [2, 3, y.shape[3]!], values: y.values });
    },
  },
  {
    name: 'convTranspose2d: stride 2 outputPadding 1 by 2x2 ones, hand values',
    kernels: ['Conv2DBackpropInput'],
    run: () =>
      convTranspose2d(tensor([1, 2, 3, 4], [1, 1, 2, 2]), tensor([1, 1, 1, 1], [1, 1, 2, 2]), {
        stride: 2,
        outputPadding: 1,
      }),
    expected: [
      [
        [
          [1, 1, 2, 2, 0],
          [1, 1, 2, 2, 0],
          [3, 3, 4, 4, 0],
          [3, 3, 4, 4, 0],
          [0, 0, 0, 0, 0],
        ],
      ],
    ],
  },
  transposeCase([2, 3, 4, 5], [3, 2, 3, 3], [1, 1], [0, 0], [0, 0]),
  transposeCase([1, 2, 4, 4], [2, 3, 3, 3], [2, 2], [1, 1], [1, 1]),
  transposeCase([1, 2, 3, 3], [2, 1, 2, 4], [3, 2], [1, 0], [2, 1]),
  transposeCase([2, 4, 3, 3], [4, 3, 2, 2], [2, 2], [0, 0], [0, 0], 2),
  transposeCase([3, 2, 1, 1], [2, 4, 1, 1], [1, 1], [0, 0], [0, 0]),
  backpropInputCase([2, 3, 7, 6], [4, 3, 3, 2], { stride: [1, 1], padding: [0, 0, 0, 0] }),
  backpropInputCase([1, 2, 7, 8], [3, 2, 3, 3], { stride: [2, 2], padding: [1, 1, 1, 1] }),
  backpropInputCase([1, 2, 6, 7], [2, 2, 3, 3], { stride: [2, 2], padding: [0, 1, 1, 1] }),
  backpropInputCase([2, 1, 9, 9], [2, 1, 4, 2], { stride: [3, 2], padding: [2, 2, 0, 0] }),
  backpropInputCase([1, 4, 7, 6], [4, 2, 3, 2], { stride: [2, 1], padding: [1, 1, 0, 1], dilation: [2, 2], groups: 2 }),
  backpropFilterCase([2, 3, 7, 6], [4, 3, 3, 2], { stride: [1, 1], padding: [0, 0, 0, 0] }),
  backpropFilterCase([1, 4, 7, 6], [4, 2, 3, 2], {
    stride: [2, 1],
    padding: [1, 1, 0, 1],
    dilation: [2, 2],
    groups: 2,
  }),
  backpropFilterCase([1, 2, 7, 8], [3, 2, 3, 3], { stride: [2, 2], padding: [1, 1, 1, 1] }),
  backpropFilterCase([1, 2, 6, 7], [2, 2, 3, 3], { stride: [2, 2], padding: [0, 1, 1, 1] }),
  backpropFilterCase([2, 1, 9, 9], [2, 1, 4, 2], { stride: [3, 2], padding: [2, 2, 0, 0] }),
];
