/**
 * Bad input (bad axes and dtype mixing): each op validates before touching data and throws the matching NNError subclass,
 * with a message that starts with the op's name and shows the offending shapes or values (issue 3).
 */
import {
  add,
  argmax,
  cast,
  concat,
  conv2d,
  type DType,
  DTypeError,
  exp,
  expandDims,
  flatten,
  full,
  gather,
  type IndexError,
  log,
  matmul,
  max,
  mean,
  min,
  mul,
  NNError,
  oneHot,
  ones,
  type ShapeError,
  sigmoid,
  softmax,
  softmaxCrossEntropy,
  sqrt,
  squeeze,
  stack,
  sum,
  tanh,
  tensor,
  transpose,
  ValueError,
  where,
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
const f64 = (values: number[]) => tensor(values, undefined, 'float64');
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

const badAxes: BadInput[] = [
  {
    what: 'sum axis past the rank',
    run: () => sum(ones([2, 3]), 2),
    error: ValueError,
    op: 'sum',
    shows: ['axis 2', 'rank 2'],
  },
  {
    what: 'sum negative axis past the rank',
    run: () => sum(ones([2, 3]), -3),
    error: ValueError,
    op: 'sum',
    shows: ['axis -3'],
  },
  { what: 'sum repeated axis', run: () => sum(ones([2, 3]), [1, -1]), error: ValueError, op: 'sum', shows: ['[1,-1]'] },
  { what: 'sum non-integer axis', run: () => sum(ones([2, 3]), 0.5), error: ValueError, op: 'sum', shows: ['0.5'] },
  { what: 'mean axis out of range', run: () => mean(ones([2]), 1), error: ValueError, op: 'mean', shows: ['axis 1'] },
  { what: 'max axis out of range', run: () => max(ones([2]), [0, 1]), error: ValueError, op: 'max', shows: ['axis 1'] },
  { what: 'max over an empty axis', run: () => max(zeros([0, 2]), 0), error: ValueError, op: 'max', shows: ['[0,2]'] },
  { what: 'min over an empty axis', run: () => min(zeros([2, 0])), error: ValueError, op: 'min', shows: ['[2,0]'] },
  {
    what: 'argmax without an axis',
    run: () => argmax(ones([2]), undefined as unknown as number),
    error: ValueError,
    op: 'argmax',
    shows: ['axis'],
  },
  {
    what: 'argmax axis out of range',
    run: () => argmax(ones([2]), 1),
    error: ValueError,
    op: 'argmax',
    shows: ['axis 1'],
  },
  {
    what: 'argmax over an empty axis',
    run: () => argmax(zeros([2, 0]), 1),
    error: ValueError,
    op: 'argmax',
    shows: ['[2,0]'],
  },
  {
    what: 'softmax axis out of range',
    run: () => softmax(ones([2, 2]), 2),
    error: ValueError,
    op: 'softmax',
    shows: ['axis 2'],
  },
  {
    what: 'concat axis out of range',
    run: () => concat([ones([2, 3])], -3),
    error: ValueError,
    op: 'concat',
    shows: ['axis -3'],
  },
  {
    what: 'stack axis out of range',
    run: () => stack([ones([2])], 2),
    error: ValueError,
    op: 'stack',
    shows: ['axis 2'],
  },
  {
    what: 'gather axis out of range',
    run: () => gather(ones([2]), [0], 1),
    error: ValueError,
    op: 'gather',
    shows: ['axis 1'],
  },
  {
    what: 'transpose repeated axis',
    run: () => transpose(ones([2, 3]), [0, 0]),
    error: ValueError,
    op: 'transpose',
    shows: ['[0,0]', '[2,3]'],
  },
  {
    what: 'transpose axis out of range',
    run: () => transpose(ones([2, 3]), [0, 2]),
    error: ValueError,
    op: 'transpose',
    shows: ['axis 2'],
  },
  {
    what: 'expandDims axis out of range',
    run: () => expandDims(ones([2]), 3),
    error: ValueError,
    op: 'expandDims',
    shows: ['axis 3'],
  },
  {
    what: 'flatten start axis out of range',
    run: () => flatten(ones([2, 3]), 2),
    error: ValueError,
    op: 'flatten',
    shows: ['axis 2'],
  },
  {
    what: 'squeeze axis out of range',
    run: () => squeeze(ones([1]), 1),
    error: ValueError,
    op: 'squeeze',
    shows: ['axis 1'],
  },
];

const dtypeMixing: BadInput[] = [
  {
    what: 'add float32 + int32',
    run: () => add(ones([2]), int([1, 2])),
    error: DTypeError,
    op: 'add',
    shows: ['float32 [2]', 'int32 [2]'],
  },
  {
    what: 'mul float32 * float64',
    run: () => mul(ones([2]), f64([1, 2])),
    error: DTypeError,
    op: 'mul',
    shows: ['float32', 'float64'],
  },
  {
    what: 'int32 tensor with a non-integer number',
    run: () => add(int([1]), 0.5),
    error: DTypeError,
    op: 'add',
    shows: ['0.5'],
  },
  {
    what: 'where with a and b of different dtypes',
    run: () => where(ones([1]), ones([1]), int([1])),
    error: DTypeError,
    op: 'where',
    shows: ['float32', 'int32'],
  },
  {
    what: 'matmul float32 @ int32',
    run: () =>
      matmul(
        ones([2, 2]),
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          undefined,
          'int32',
        ),
      ),
    error: DTypeError,
    op: 'matmul',
    shows: ['float32', 'int32'],
  },
  {
    what: 'conv2d float32 * float64',
    run: () => conv2d(image(), ones([1, 2, 1, 1], 'float64')),
    error: DTypeError,
    op: 'conv2d',
    shows: ['float32', 'float64'],
  },
  {
    what: 'concat float32 with int32',
    run: () => concat([ones([1]), int([1])]),
    error: DTypeError,
    op: 'concat',
    shows: ['float32', 'int32'],
  },
  {
    what: 'softmaxCrossEntropy of int32',
    run: () => softmaxCrossEntropy(tensor([[1]], undefined, 'int32'), tensor([[1]], undefined, 'int32')),
    error: DTypeError,
    op: 'softmaxCrossEntropy',
    shows: ['int32'],
  },
  {
    what: 'softmaxCrossEntropy float32 with float64',
    run: () => softmaxCrossEntropy(ones([1, 2]), ones([1, 2], 'float64')),
    error: DTypeError,
    op: 'softmaxCrossEntropy',
    shows: ['float32', 'float64'],
  },
  { what: 'exp of int32', run: () => exp(int([1])), error: DTypeError, op: 'exp', shows: ['int32 [1]'] },
  { what: 'log of int32', run: () => log(int([1])), error: DTypeError, op: 'log', shows: ['int32'] },
  { what: 'sqrt of int32', run: () => sqrt(int([1])), error: DTypeError, op: 'sqrt', shows: ['int32'] },
  { what: 'sigmoid of int32', run: () => sigmoid(int([1])), error: DTypeError, op: 'sigmoid', shows: ['int32'] },
  { what: 'tanh of int32', run: () => tanh(int([1])), error: DTypeError, op: 'tanh', shows: ['int32'] },
  { what: 'softmax of int32', run: () => softmax(int([1, 2])), error: DTypeError, op: 'softmax', shows: ['int32 [2]'] },
  {
    what: 'gather with float32 indices',
    run: () => gather(ones([3]), ones([1])),
    error: DTypeError,
    op: 'gather',
    shows: ['float32'],
  },
  {
    what: 'oneHot of float32 indices',
    run: () => oneHot(ones([1]), 2),
    error: DTypeError,
    op: 'oneHot',
    shows: ['float32'],
  },
  {
    what: 'tensor int32 with a fraction',
    run: () => tensor([1.5], undefined, 'int32'),
    error: DTypeError,
    op: 'tensor',
    shows: ['1.5'],
  },
  {
    what: 'tensor with an unknown dtype',
    run: () => tensor([1], undefined, 'int8' as DType),
    error: DTypeError,
    op: 'tensor',
    shows: ['int8'],
  },
  {
    what: 'cast to an unknown dtype',
    run: () => cast(ones([1]), 'uint8' as DType),
    error: DTypeError,
    op: 'cast',
    shows: ['uint8'],
  },
  {
    what: 'full with an unknown dtype',
    run: () => full([1], 0, 'bool' as DType),
    error: DTypeError,
    op: 'full',
    shows: ['bool'],
  },
];

const families: [string, BadInput[]][] = [
  ['bad axes', badAxes],
  ['dtype mixing', dtypeMixing],
];

describe.each(families)('bad input: %s', (_family, cases) => {
  it.each(cases)('$what -> $error.name naming $op', ({ run, error, op, shows }) => {
    expectNNError(run, error, op, shows);
  });
});
