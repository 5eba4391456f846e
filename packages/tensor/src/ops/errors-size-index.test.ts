/**
 * Bad input (non-integer, negative and NaN sizes, and out-of-range indices): each op validates before touching data and throws the matching NNError subclass,
 * with a message that starts with the op's name and shows the offending shapes or values (issue 3).
 */
import {
  add,
  arange,
  avgPool2d,
  broadcastTo,
  clip,
  conv2d,
  type DTypeError,
  eye,
  full,
  gather,
  IndexError,
  leakyRelu,
  maxPool2d,
  NNError,
  oneHot,
  ones,
  type Pool2dOptions,
  pad,
  rand,
  randn,
  reshape,
  type ShapeError,
  slice,
  tensor,
  ValueError,
  zeros,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';

type ErrorClass = typeof ShapeError | typeof DTypeError | typeof ValueError | typeof IndexError;

interface BadInput {
  /** What is wrong, for the test name. */
  what: string;
  run: () => unknown;
  error: ErrorClass;
  /** The message must start with this (the op's name and colon) ... */
  op: string;
  /** ... and contain these (the shapes/values involved). */
  shows: string[];
}

const int = (values: number[]) => tensor(values, undefined, 'int32');
const _f64 = (values: number[]) => tensor(values, undefined, 'float64');
const image = () => ones([1, 2, 5, 5]);

function expectNNError(run: () => unknown, error: ErrorClass, op: string, shows: readonly string[]): void {
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a throw').toBeInstanceOf(NNError);
  expect(caught).toBeInstanceOf(error);
  const message = (caught as Error).message;
  expect(message.startsWith(`${op}: `), `message should start with '${op}: ', got: ${message}`).toBe(true);
  for (const s of shows) expect(message).toContain(s);
}

const badSizes: BadInput[] = [
  { what: 'zeros negative size', run: () => zeros([2, -1]), error: ValueError, op: 'full', shows: ['[2,-1]'] },
  { what: 'ones non-integer size', run: () => ones([1.5]), error: ValueError, op: 'full', shows: ['1.5'] },
  { what: 'full NaN size', run: () => full([Number.NaN], 1), error: ValueError, op: 'full', shows: ['NaN'] },
  { what: 'randn negative size', run: () => randn([-2]), error: ValueError, op: 'randn', shows: ['-2'] },
  { what: 'rand NaN size', run: () => rand([2, Number.NaN]), error: ValueError, op: 'rand', shows: ['NaN'] },
  {
    what: 'tensor with a NaN shape',
    run: () => tensor([1], [Number.NaN]),
    error: ValueError,
    op: 'tensor',
    shows: ['NaN'],
  },
  { what: 'eye of a negative size', run: () => eye(-1), error: ValueError, op: 'eye', shows: ['-1'] },
  { what: 'eye of a non-integer size', run: () => eye(2.5), error: ValueError, op: 'eye', shows: ['2.5'] },
  {
    what: 'reshape to a NaN size',
    run: () => reshape(ones([2]), [Number.NaN]),
    error: ValueError,
    op: 'reshape',
    shows: ['NaN'],
  },
  {
    what: 'reshape to a negative size',
    run: () => reshape(ones([2]), [-2, -1]),
    error: ValueError,
    op: 'reshape',
    shows: ['-2'],
  },
  {
    what: 'reshape to a non-integer size',
    run: () => reshape(ones([3]), [1.5, 2]),
    error: ValueError,
    op: 'reshape',
    shows: ['1.5'],
  },
  {
    what: 'reshape with two -1',
    run: () => reshape(ones([4]), [-1, -1]),
    error: ValueError,
    op: 'reshape',
    shows: ['[-1,-1]'],
  },
  {
    what: 'broadcastTo a negative size',
    run: () => broadcastTo(ones([1]), [-1]),
    error: ValueError,
    op: 'broadcastTo',
    shows: ['-1'],
  },
  { what: 'arange NaN', run: () => arange(Number.NaN), error: ValueError, op: 'arange', shows: ['NaN'] },
  {
    what: 'arange infinite',
    run: () => arange(0, Number.POSITIVE_INFINITY),
    error: ValueError,
    op: 'arange',
    shows: ['Infinity'],
  },
  { what: 'arange zero step', run: () => arange(0, 3, 0), error: ValueError, op: 'arange', shows: ['step'] },
  { what: 'oneHot depth 0', run: () => oneHot([0], 0), error: ValueError, op: 'oneHot', shows: ['0'] },
  { what: 'oneHot NaN depth', run: () => oneHot([0], Number.NaN), error: ValueError, op: 'oneHot', shows: ['NaN'] },
  { what: 'oneHot non-integer depth', run: () => oneHot([0], 2.5), error: ValueError, op: 'oneHot', shows: ['2.5'] },
  { what: 'pad negative', run: () => pad(ones([2]), [[0, -1]]), error: ValueError, op: 'pad', shows: ['-1'] },
  { what: 'pad non-integer', run: () => pad(ones([2]), [[0.5, 0]]), error: ValueError, op: 'pad', shows: ['0.5'] },
  {
    what: 'conv2d stride 0',
    run: () => conv2d(image(), ones([1, 2, 1, 1]), { stride: 0 }),
    error: ValueError,
    op: 'conv2d',
    shows: ['stride', '0'],
  },
  {
    what: 'conv2d non-integer stride',
    run: () => conv2d(image(), ones([1, 2, 1, 1]), { stride: [1, 1.5] }),
    error: ValueError,
    op: 'conv2d',
    shows: ['1.5'],
  },
  {
    what: 'conv2d negative padding',
    run: () => conv2d(image(), ones([1, 2, 1, 1]), { padding: -1 }),
    error: ValueError,
    op: 'conv2d',
    shows: ['padding', '-1'],
  },
  {
    what: 'conv2d NaN padding',
    run: () => conv2d(image(), ones([1, 2, 1, 1]), { padding: Number.NaN }),
    error: ValueError,
    op: 'conv2d',
    shows: ['padding'],
  },
  {
    what: 'maxPool2d without kernelSize',
    run: () => maxPool2d(image(), {} as Pool2dOptions),
    error: ValueError,
    op: 'maxPool2d',
    shows: ['kernelSize'],
  },
  {
    what: 'maxPool2d kernel 0',
    run: () => maxPool2d(image(), { kernelSize: 0 }),
    error: ValueError,
    op: 'maxPool2d',
    shows: ['kernelSize', '0'],
  },
  {
    what: 'avgPool2d NaN stride',
    run: () => avgPool2d(image(), { kernelSize: 2, stride: Number.NaN }),
    error: ValueError,
    op: 'avgPool2d',
    shows: ['stride'],
  },
  {
    what: 'maxPool2d padding over half the kernel',
    run: () => maxPool2d(image(), { kernelSize: 2, padding: 2 }),
    error: ValueError,
    op: 'maxPool2d',
    shows: ['[2,2]'],
  },
  {
    what: 'clip with min > max',
    run: () => clip(ones([1]), 2, 1),
    error: ValueError,
    op: 'clip',
    shows: ['min=2', 'max=1'],
  },
  { what: 'clip with NaN', run: () => clip(ones([1]), Number.NaN, 1), error: ValueError, op: 'clip', shows: ['NaN'] },
  {
    what: 'leakyRelu NaN alpha',
    run: () => leakyRelu(ones([1]), Number.NaN),
    error: ValueError,
    op: 'leakyRelu',
    shows: ['NaN'],
  },
  {
    what: 'add of a non-tensor',
    run: () => add(ones([1]), null as unknown as number),
    error: ValueError,
    op: 'add',
    shows: ['null'],
  },
  {
    what: 'tensor of strings',
    run: () => tensor(['a'] as unknown as number[]),
    error: ValueError,
    op: 'tensor',
    shows: ['a'],
  },
];

const outOfRange: BadInput[] = [
  {
    what: 'gather index past the end',
    run: () => gather(ones([3, 2]), [3]),
    error: IndexError,
    op: 'gather',
    shows: ['3', '[3,2]'],
  },
  {
    what: 'gather negative index',
    run: () => gather(ones([3, 2]), int([-1]), 0),
    error: IndexError,
    op: 'gather',
    shows: ['-1', '[3,2]'],
  },
  {
    what: 'gather index past the end of axis 1',
    run: () => gather(ones([3, 2]), int([0, 2]), 1),
    error: IndexError,
    op: 'gather',
    shows: ['index 2', 'axis 1', '[3,2]'],
  },
  { what: 'oneHot index = depth', run: () => oneHot(int([0, 3]), 3), error: IndexError, op: 'oneHot', shows: ['3'] },
  { what: 'oneHot negative index', run: () => oneHot([-1], 3), error: IndexError, op: 'oneHot', shows: ['-1'] },
  {
    what: 'slice begin past the end',
    run: () => slice(ones([2, 3]), [0, 4]),
    error: IndexError,
    op: 'slice',
    shows: ['4', '[2,3]'],
  },
  {
    what: 'slice negative begin',
    run: () => slice(ones([3]), [-1]),
    error: IndexError,
    op: 'slice',
    shows: ['-1', '[3]'],
  },
  {
    what: 'slice running past the end',
    run: () => slice(ones([2, 3]), [1, 1], [2, 1]),
    error: IndexError,
    op: 'slice',
    shows: ['[2,3]'],
  },
];

const families: [string, BadInput[]][] = [
  ['non-integer, negative and NaN sizes', badSizes],
  ['out-of-range indices', outOfRange],
];

describe.each(families)('bad input: %s', (_family, cases) => {
  it.each(cases)('$what -> $error.name naming $op', ({ run, error, op, shows }) => {
    expectNNError(run, error, op, shows);
  });
});
