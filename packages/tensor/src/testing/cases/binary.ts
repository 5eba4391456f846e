/**
 * Binary kernels with NumPy broadcasting (both sides, scalars, rank mismatch, size-0 and size-1 axes): arithmetic,
 * comparisons (float32 0/1 results) and where.
 */
import {
  add,
  div,
  equal,
  greater,
  less,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  randn,
  sub,
  tensor,
  transpose,
  where,
  zeros,
} from '@nn/tensor';
import { randnValues } from '../reference';
import type { ConformanceCase } from '../types';
import { int } from './util';

/** Broadcast a + b against a float64 reference of both seeded inputs. */
function broadcastReference(aShape: number[], bShape: number[], f: (a: number, b: number) => number) {
  const a = randnValues(aShape, 11);
  const b = randnValues(bShape, 12);
  const rank = Math.max(aShape.length, bShape.length);
  const pad = (s: number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const [pa, pb] = [pad(aShape), pad(bShape)];
  const shape = pa.map((d, i) => (d === 1 ? pb[i]! : d));
  const values: number[] = [];
  const size = shape.reduce((x, y) => x * y, 1);
  const offset = (index: number[], s: number[]) => index.reduce((acc, v, i) => acc * s[i]! + (s[i] === 1 ? 0 : v), 0);
  for (let flat = 0; flat < size; flat++) {
    const index: number[] = [];
    let rest = flat;
    for (let i = rank - 1; i >= 0; i--) {
      index[i] = rest % shape[i]!;
      rest = Math.floor(rest / shape[i]!);
    }
    values.push(f(a.values[offset(index, pa)]!, b.values[offset(index, pb)]!));
  }
  return { shape, values };
}

function randomBroadcast(
  name: string,
  kernel: 'Add' | 'Sub' | 'Mul' | 'Maximum' | 'Minimum',
  op: typeof add,
  f: (a: number, b: number) => number,
  aShape: number[],
  bShape: number[],
): ConformanceCase {
  return {
    name: `${name}: random ${JSON.stringify(aShape)} with ${JSON.stringify(bShape)}`,
    kernels: [kernel],
    run: () => op(randn(aShape, { seed: 11 }), randn(bShape, { seed: 12 })),
    expected: () => broadcastReference(aShape, bShape, f),
  };
}

const arithmeticCases: ConformanceCase[] = [
  {
    name: 'add: same shape',
    kernels: ['Add'],
    run: () =>
      add(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([
          [10, 20],
          [30, 40],
        ]),
      ),
    expected: [
      [11, 22],
      [33, 44],
    ],
  },
  {
    name: 'add: row vector broadcast [2,3] + [3]',
    kernels: ['Add'],
    run: () =>
      add(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        tensor([10, 20, 30]),
      ),
    expected: [
      [11, 22, 33],
      [14, 25, 36],
    ],
  },
  {
    name: 'add: both sides broadcast [2,1] + [1,3]',
    kernels: ['Add'],
    run: () => add(tensor([[1], [2]]), tensor([[10, 20, 30]])),
    expected: [
      [11, 21, 31],
      [12, 22, 32],
    ],
  },
  { name: 'add: scalar number', kernels: ['Add'], run: () => add(tensor([1, 2, 3]), 0.5), expected: [1.5, 2.5, 3.5] },
  { name: 'add: number on the left', kernels: ['Add'], run: () => add(2, tensor([[1], [2]])), expected: [[3], [4]] },
  { name: 'add: rank-0 tensors', kernels: ['Add'], run: () => add(tensor(2), tensor(3)), expected: 5 },
  {
    name: 'add: size-0 axis [0,3] + [3]',
    kernels: ['Add'],
    run: () => add(zeros([0, 3]), tensor([1, 2, 3])),
    expected: { shape: [0, 3], values: [] },
  },
  {
    name: 'add: size-0 against size-1 [2,0] + [2,1]',
    kernels: ['Add'],
    run: () => add(zeros([2, 0]), zeros([2, 1])),
    expected: { shape: [2, 0], values: [] },
  },
  {
    name: 'add: int32',
    kernels: ['Add'],
    run: () => add(int([1, -2, 3]), int([[10], [20]])),
    expected: {
      values: [
        [11, 8, 13],
        [21, 18, 23],
      ],
      dtype: 'int32',
    },
  },
  {
    name: 'add: float64',
    kernels: ['Add'],
    dtypes: ['float64'],
    run: () => add(tensor([0.1, 0.2], undefined, 'float64'), tensor([0.2, 1e-12], undefined, 'float64')),
    expected: { values: [0.1 + 0.2, 0.2 + 1e-12], dtype: 'float64' },
    tolerance: 1e-15,
  },
  {
    name: 'add: transposed (non-contiguous-derived) input',
    kernels: ['Transpose', 'Add'],
    run: () =>
      add(
        transpose(
          tensor([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        ),
        tensor([[100, 200]]),
      ),
    expected: [
      [101, 204],
      [102, 205],
      [103, 206],
    ],
  },
  randomBroadcast('add', 'Add', add, (a, b) => a + b, [2, 1, 3], [4, 1]),
  randomBroadcast('add', 'Add', add, (a, b) => a + b, [5, 1, 7, 1], [6, 1, 9]),
  {
    name: 'sub: broadcast [2,2] - [2]',
    kernels: ['Sub'],
    run: () =>
      sub(
        tensor([
          [5, 6],
          [7, 8],
        ]),
        tensor([1, 2]),
      ),
    expected: [
      [4, 4],
      [6, 6],
    ],
  },
  { name: 'sub: number on the left', kernels: ['Sub'], run: () => sub(1, tensor([0.25, 2])), expected: [0.75, -1] },
  {
    name: 'sub: int32 negative results',
    kernels: ['Sub'],
    run: () => sub(int([1, 2]), int([3, -4])),
    expected: { values: [-2, 6], dtype: 'int32' },
  },
  randomBroadcast('sub', 'Sub', sub, (a, b) => a - b, [3, 1], [1, 4]),
  {
    name: 'mul: broadcast column',
    kernels: ['Mul'],
    run: () =>
      mul(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([[2], [-1]]),
      ),
    expected: [
      [2, 4],
      [-3, -4],
    ],
  },
  {
    name: 'mul: int32',
    kernels: ['Mul'],
    run: () => mul(int([3, -4, 1000]), int([5, 6, 1000])),
    expected: { values: [15, -24, 1000000], dtype: 'int32' },
  },
  {
    name: 'mul: size-1 axes [1,3,1] * [2,1,2]',
    kernels: ['Mul'],
    run: () => mul(tensor([[[1], [2], [3]]]), tensor([[[1, 10]], [[-1, -10]]])),
    expected: [
      [
        [1, 10],
        [2, 20],
        [3, 30],
      ],
      [
        [-1, -10],
        [-2, -20],
        [-3, -30],
      ],
    ],
  },
  randomBroadcast('mul', 'Mul', mul, (a, b) => a * b, [4, 5], [5]),
  {
    name: 'div: float broadcast',
    kernels: ['Div'],
    run: () =>
      div(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        tensor([2, 4]),
      ),
    expected: [
      [0.5, 0.5],
      [1.5, 1],
    ],
  },
  {
    name: 'div: by zero gives infinities',
    kernels: ['Div'],
    run: () => div(tensor([1, -1, 0]), tensor([0, 0, 0])),
    expected: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN],
  },
  {
    name: 'div: int32 / int32 is true division to float32',
    kernels: ['Div'],
    run: () => div(int([7, -7, 6]), int([2, 2, 3])),
    expected: { values: [3.5, -3.5, 2], dtype: 'float32' },
  },
  {
    name: 'pow: broadcast exponents',
    kernels: ['Pow'],
    run: () =>
      pow(
        tensor([
          [2, 3],
          [4, 9],
        ]),
        tensor([2, 0.5]),
      ),
    expected: [
      [4, Math.sqrt(3)],
      [16, 3],
    ],
  },
  {
    name: 'pow: negative base with integer exponent',
    kernels: ['Pow'],
    run: () => pow(tensor([-2, -3, 0]), 3),
    expected: [-8, -27, 0],
  },
  {
    name: 'pow: zero exponent and int32',
    kernels: ['Pow'],
    run: () => pow(int([2, 3, -4]), int([0, 3, 2])),
    expected: { values: [1, 27, 16], dtype: 'int32' },
  },
  {
    name: 'maximum: broadcast',
    kernels: ['Maximum'],
    run: () =>
      maximum(
        tensor([
          [1, 5],
          [-3, 2],
        ]),
        tensor([0, 3]),
      ),
    expected: [
      [1, 5],
      [0, 3],
    ],
  },
  {
    name: 'maximum: int32',
    kernels: ['Maximum'],
    run: () => maximum(int([1, -5]), int([-1, -2])),
    expected: { values: [1, -2], dtype: 'int32' },
  },
  randomBroadcast('maximum', 'Maximum', maximum, Math.max, [3, 4], [3, 1]),
  {
    name: 'minimum: broadcast scalar',
    kernels: ['Minimum'],
    run: () =>
      minimum(
        tensor([
          [1, 5],
          [-3, 2],
        ]),
        1.5,
      ),
    expected: [
      [1, 1.5],
      [-3, 1.5],
    ],
  },
  {
    name: 'minimum: int32',
    kernels: ['Minimum'],
    run: () => minimum(int([1, -5]), int([-1, -2])),
    expected: { values: [-1, -5], dtype: 'int32' },
  },
  randomBroadcast('minimum', 'Minimum', minimum, Math.min, [1, 4], [3, 1]),
];

const compareCases: ConformanceCase[] = [
  {
    name: 'equal: float32 0/1 with broadcast',
    kernels: ['Equal'],
    run: () =>
      equal(
        tensor([
          [1, 2],
          [3, 2],
        ]),
        tensor([1, 2]),
      ),
    expected: {
      values: [
        [1, 1],
        [0, 1],
      ],
      dtype: 'float32',
    },
  },
  {
    name: 'equal: int32 inputs give float32',
    kernels: ['Equal'],
    run: () => equal(int([1, 2, 3]), 2),
    expected: { values: [0, 1, 0], dtype: 'float32' },
  },
  {
    name: 'greater: broadcast',
    kernels: ['Greater'],
    run: () => greater(tensor([[1], [3]]), tensor([0, 1, 2, 3])),
    expected: {
      values: [
        [1, 0, 0, 0],
        [1, 1, 1, 0],
      ],
      dtype: 'float32',
    },
  },
  {
    name: 'greater: int32',
    kernels: ['Greater'],
    run: () => greater(int([-1, 0, 1]), int([0, 0, 0])),
    expected: { values: [0, 0, 1], dtype: 'float32' },
  },
  {
    name: 'less: broadcast',
    kernels: ['Less'],
    run: () => less(tensor([[1], [3]]), tensor([0, 1, 2, 3])),
    expected: {
      values: [
        [0, 0, 1, 1],
        [0, 0, 0, 0],
      ],
      dtype: 'float32',
    },
  },
  {
    name: 'less: int32 number',
    kernels: ['Less'],
    run: () => less(int([-1, 0, 1]), 0),
    expected: { values: [1, 0, 0], dtype: 'float32' },
  },
  {
    name: 'where: condition, a and b broadcast together',
    kernels: ['Where'],
    run: () =>
      where(
        tensor([1, 0, 2]),
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        0,
      ),
    expected: [
      [1, 0, 3],
      [4, 0, 6],
    ],
  },
  {
    name: 'where: column condition, int32 values',
    kernels: ['Where'],
    run: () =>
      where(
        tensor([[0], [1]]),
        int([1, 2]),
        int([
          [7, 8],
          [9, 10],
        ]),
      ),
    expected: {
      values: [
        [7, 8],
        [1, 2],
      ],
      dtype: 'int32',
    },
  },
  {
    name: 'where: from a comparison',
    kernels: ['Greater', 'Where'],
    run: () => {
      const x = tensor([-1, 2, -3, 4]);
      return where(greater(x, 0), x, neg(x));
    },
    expected: [1, 2, 3, 4],
  },
];

export const binaryCases: ConformanceCase[] = [...arithmeticCases, ...compareCases];
