/**
 * Bad input (wrong rank and mismatched shapes): each op validates before touching data and throws the matching NNError subclass,
 * with a message that starts with the op's name and shows the offending shapes or values (issue 3).
 */
import {
  add,
  avgPool2d,
  broadcastTo,
  concat,
  conv2d,
  type DTypeError,
  div,
  equal,
  type IndexError,
  matmul,
  maximum,
  maxPool2d,
  mul,
  NNError,
  ones,
  pad,
  reshape,
  ShapeError,
  slice,
  softmaxCrossEntropy,
  squeeze,
  stack,
  sub,
  tensor,
  transpose,
  ValueError,
  where,
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

const _int = (values: number[]) => tensor(values, undefined, 'int32');
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

const wrongRank: BadInput[] = [
  {
    what: 'conv2d input not NCHW',
    run: () => conv2d(ones([2, 5, 5]), ones([1, 2, 3, 3])),
    error: ShapeError,
    op: 'conv2d',
    shows: ['[2,5,5]'],
  },
  {
    what: 'conv2d weight not 4-D',
    run: () => conv2d(image(), ones([2, 3, 3])),
    error: ShapeError,
    op: 'conv2d',
    shows: ['[2,3,3]'],
  },
  {
    what: 'maxPool2d input not NCHW',
    run: () => maxPool2d(ones([5, 5]), { kernelSize: 2 }),
    error: ShapeError,
    op: 'maxPool2d',
    shows: ['[5,5]'],
  },
  {
    what: 'avgPool2d input not NCHW',
    run: () => avgPool2d(ones([1, 5, 5]), { kernelSize: 2 }),
    error: ShapeError,
    op: 'avgPool2d',
    shows: ['[1,5,5]'],
  },
  {
    what: 'matmul of a scalar',
    run: () => matmul(tensor(2), ones([3])),
    error: ShapeError,
    op: 'matmul',
    shows: ['[] @ [3]'],
  },
  {
    what: 'softmaxCrossEntropy of 1-D logits',
    run: () => softmaxCrossEntropy(ones([3]), ones([3])),
    error: ShapeError,
    op: 'softmaxCrossEntropy',
    shows: ['[3] and [3]'],
  },
  { what: 'item of a non-scalar', run: () => ones([2, 3]).item(), error: ValueError, op: 'item', shows: ['[2,3]'] },
  {
    what: 'slice begin of the wrong length',
    run: () => slice(ones([2, 3]), [0]),
    error: ValueError,
    op: 'slice',
    shows: ['[0]', '[2,3]'],
  },
  {
    what: 'slice size of the wrong length',
    run: () => slice(ones([2, 3]), [0, 0], [1]),
    error: ValueError,
    op: 'slice',
    shows: ['[1]', '[2,3]'],
  },
  {
    what: 'pad with too few pairs',
    run: () => pad(ones([2, 3]), [[1, 1]]),
    error: ValueError,
    op: 'pad',
    shows: ['[2,3]'],
  },
  {
    what: 'transpose perm too short',
    run: () => transpose(ones([2, 3]), [0]),
    error: ValueError,
    op: 'transpose',
    shows: ['[0]', '[2,3]'],
  },
];

const mismatchedShapes: BadInput[] = [
  {
    what: 'add of unbroadcastable shapes',
    run: () => add(ones([2, 3]), ones([4])),
    error: ShapeError,
    op: 'add',
    shows: ['[2,3] and [4]'],
  },
  {
    what: 'sub of unbroadcastable shapes',
    run: () => sub(ones([2, 3]), ones([2, 2])),
    error: ShapeError,
    op: 'sub',
    shows: ['[2,3] and [2,2]'],
  },
  {
    what: 'mul of unbroadcastable shapes',
    run: () => mul(ones([3, 1, 2]), ones([4, 3])),
    error: ShapeError,
    op: 'mul',
    shows: ['[3,1,2] and [4,3]'],
  },
  {
    what: 'div of unbroadcastable shapes',
    run: () => div(ones([0]), ones([2])),
    error: ShapeError,
    op: 'div',
    shows: ['[0] and [2]'],
  },
  {
    what: 'maximum of unbroadcastable shapes',
    run: () => maximum(ones([2]), ones([3])),
    error: ShapeError,
    op: 'maximum',
    shows: ['[2] and [3]'],
  },
  {
    what: 'equal of unbroadcastable shapes',
    run: () => equal(ones([2]), ones([3])),
    error: ShapeError,
    op: 'equal',
    shows: ['[2] and [3]'],
  },
  {
    what: 'where of unbroadcastable shapes',
    run: () => where(ones([2]), ones([3]), 0),
    error: ShapeError,
    op: 'where',
    shows: ['[2] and [3]'],
  },
  {
    what: 'matmul inner dimensions',
    run: () => matmul(ones([2, 3]), ones([4, 5])),
    error: ShapeError,
    op: 'matmul',
    shows: ['inner dimensions differ: [2,3] @ [4,5]'],
  },
  {
    what: 'matmul inner dimensions with transposeB',
    run: () => matmul(ones([2, 3]), ones([3, 4]), { transposeB: true }),
    error: ShapeError,
    op: 'matmul',
    shows: ['[2,3] @ [3,4]'],
  },
  {
    what: 'matmul vector lengths',
    run: () => matmul(ones([3]), ones([4])),
    error: ShapeError,
    op: 'matmul',
    shows: ['[3] @ [4]'],
  },
  {
    what: 'concat shapes outside the axis',
    run: () => concat([ones([2, 3]), ones([3, 2])], 0),
    error: ShapeError,
    op: 'concat',
    shows: ['[2,3], [3,2]'],
  },
  {
    what: 'concat of different ranks',
    run: () => concat([ones([2, 3]), ones([3])], 0),
    error: ShapeError,
    op: 'concat',
    shows: ['[2,3], [3]'],
  },
  {
    what: 'stack of different shapes',
    run: () => stack([ones([2]), ones([3])]),
    error: ShapeError,
    op: 'stack',
    shows: ['[2], [3]'],
  },
  {
    what: 'reshape to another size',
    run: () => reshape(ones([2, 3]), [4, 2]),
    error: ShapeError,
    op: 'reshape',
    shows: ['[2,3]', '[4,2]'],
  },
  {
    what: 'reshape with a -1 that does not divide',
    run: () => reshape(ones([2, 3]), [4, -1]),
    error: ShapeError,
    op: 'reshape',
    shows: ['[2,3]', '[4,-1]'],
  },
  {
    what: 'broadcastTo an incompatible shape',
    run: () => broadcastTo(ones([2, 3]), [3]),
    error: ShapeError,
    op: 'broadcastTo',
    shows: ['[2,3]', '[3]'],
  },
  {
    what: 'broadcastTo a smaller shape',
    run: () => broadcastTo(ones([3]), [1, 1]),
    error: ShapeError,
    op: 'broadcastTo',
    shows: ['[3]', '[1,1]'],
  },
  {
    what: 'conv2d channel mismatch',
    run: () => conv2d(image(), ones([4, 3, 3, 3])),
    error: ShapeError,
    op: 'conv2d',
    shows: ['[1,2,5,5]', '[4,3,3,3]'],
  },
  {
    what: 'conv2d window larger than the input',
    run: () => conv2d(ones([1, 1, 2, 2]), ones([1, 1, 3, 3])),
    error: ShapeError,
    op: 'conv2d',
    shows: ['3x3', '[1,1,2,2]'],
  },
  {
    what: 'maxPool2d window larger than the input',
    run: () => maxPool2d(ones([1, 1, 2, 2]), { kernelSize: 3 }),
    error: ShapeError,
    op: 'maxPool2d',
    shows: ['3x3', '[1,1,2,2]'],
  },
  {
    what: 'softmaxCrossEntropy shapes differ',
    run: () => softmaxCrossEntropy(ones([2, 3]), ones([2, 4])),
    error: ShapeError,
    op: 'softmaxCrossEntropy',
    shows: ['[2,3] and [2,4]'],
  },
  {
    what: 'tensor of a ragged array',
    run: () => tensor([[1, 2], [3]]),
    error: ShapeError,
    op: 'tensor',
    shows: ['[2]', '[1]'],
  },
  {
    what: 'tensor values do not fill the shape',
    run: () => tensor([1, 2, 3], [2, 2]),
    error: ShapeError,
    op: 'tensor',
    shows: ['[2,2]'],
  },
  {
    what: 'squeeze of a non-1 axis',
    run: () => squeeze(ones([2, 3]), 0),
    error: ShapeError,
    op: 'squeeze',
    shows: ['[2,3]'],
  },
];

const families: [string, BadInput[]][] = [
  ['wrong rank', wrongRank],
  ['mismatched shapes', mismatchedShapes],
];

describe.each(families)('bad input: %s', (_family, cases) => {
  it.each(cases)('$what -> $error.name naming $op', ({ run, error, op, shows }) => {
    expectNNError(run, error, op, shows);
  });
});
