/** Unary elementwise kernels and activations, clip, cast, and relu's fused derivative. */
import {
  abs,
  cast,
  clip,
  exp,
  leakyRelu,
  log,
  neg,
  randn,
  relu,
  reluBackward,
  sigmoid,
  softplus,
  sqrt,
  square,
  tanh,
  tensor,
  transpose,
  zeros,
} from '@nn/tensor';
import { expectDense, mapDense, randnValues, refTranspose } from '../reference';
import type { ConformanceCase } from '../types';
import { int } from './util';

const x5 = [-2, -0.5, 0, 0.5, 3];

function unaryCase(
  name: string,
  kernel: ConformanceCase['kernels'][number],
  op: typeof exp,
  f: (v: number) => number,
  values = x5,
): ConformanceCase {
  return { name: `${name}: float32 values`, kernels: [kernel], run: () => op(tensor(values)), expected: values.map(f) };
}

export const unaryCases: ConformanceCase[] = [
  unaryCase('neg', 'Neg', neg, (v) => -v),
  {
    name: 'neg: int32',
    kernels: ['Neg'],
    run: () => neg(int([1, -2, 0])),
    expected: { values: [-1, 2, 0], dtype: 'int32' },
  },
  unaryCase('exp', 'Exp', exp, Math.exp, [-20, -1, 0, 1, 10]),
  {
    name: 'exp: large negative underflows to 0',
    kernels: ['Exp'],
    run: () => exp(tensor([-1000, 88])),
    expected: [0, Math.exp(88)],
    tolerance: 1e-4,
  },
  unaryCase('log', 'Log', log, Math.log, [1e-5, 0.5, 1, 2, 1000]),
  {
    name: 'log: 0 is -Infinity, negatives are NaN',
    kernels: ['Log'],
    run: () => log(tensor([0, -1])),
    expected: [Number.NEGATIVE_INFINITY, Number.NaN],
  },
  unaryCase('sqrt', 'Sqrt', sqrt, Math.sqrt, [0, 0.25, 2, 9, 1e6]),
  unaryCase('abs', 'Abs', abs, Math.abs),
  {
    name: 'abs: int32',
    kernels: ['Abs'],
    run: () => abs(int([-3, 0, 4])),
    expected: { values: [3, 0, 4], dtype: 'int32' },
  },
  unaryCase('square', 'Square', square, (v) => v * v),
  {
    name: 'square: int32',
    kernels: ['Square'],
    run: () => square(int([-3, 0, 4])),
    expected: { values: [9, 0, 16], dtype: 'int32' },
  },
  unaryCase('relu', 'Relu', relu, (v) => Math.max(0, v)),
  {
    name: 'relu: int32',
    kernels: ['Relu'],
    run: () => relu(int([-3, 0, 4])),
    expected: { values: [0, 0, 4], dtype: 'int32' },
  },
  unaryCase('sigmoid', 'Sigmoid', sigmoid, (v) => 1 / (1 + Math.exp(-v))),
  {
    name: 'sigmoid: saturates without NaN',
    kernels: ['Sigmoid'],
    run: () => sigmoid(tensor([-100, 100, -1000, 1000])),
    expected: [1 / (1 + Math.exp(100)), 1, 0, 1],
  },
  unaryCase('tanh', 'Tanh', tanh, Math.tanh),
  {
    name: 'tanh: saturates without NaN',
    kernels: ['Tanh'],
    run: () => tanh(tensor([-50, 50, -1000, 1000])),
    expected: [-1, 1, -1, 1],
  },
  {
    name: 'leakyRelu: default alpha 0.01',
    kernels: ['LeakyRelu'],
    run: () => leakyRelu(tensor(x5)),
    expected: x5.map((v) => (v > 0 ? v : 0.01 * v)),
  },
  {
    name: 'leakyRelu: alpha 0.2',
    kernels: ['LeakyRelu'],
    run: () => leakyRelu(tensor([[-10, 10]]), 0.2),
    expected: [[-2, 10]],
  },
  { name: 'clip: float32', kernels: ['Clip'], run: () => clip(tensor(x5), -1, 1), expected: [-1, -0.5, 0, 0.5, 1] },
  {
    name: 'clip: int32 keeps dtype',
    kernels: ['Clip'],
    run: () => clip(int([-5, 0, 5]), -2, 3),
    expected: { values: [-2, 0, 3], dtype: 'int32' },
  },
  unaryCase('softplus', 'Softplus', softplus, (v) => Math.log1p(Math.exp(v)), [-30, -2, 0, 0.5, 19.5]),
  {
    name: 'softplus: beta 2, threshold 10 (x itself past it; tiny values far below 0)',
    kernels: ['Softplus'],
    run: () =>
      softplus(
        tensor([
          [-100, -1, 0],
          [4.9, 5.1, 1e6],
        ]),
        { beta: 2, threshold: 10 },
      ),
    expected: [
      [Math.exp(-200) / 2, Math.log1p(Math.exp(-2)) / 2, Math.LN2 / 2],
      [Math.log1p(Math.exp(9.8)) / 2, 5.1, 1e6],
    ],
  },
  {
    name: 'softplus: negative beta mirrors it',
    kernels: ['Softplus'],
    run: () => softplus(tensor([-3, 0, 3]), { beta: -1 }),
    expected: [-3, 0, 3].map((v) => -Math.log1p(Math.exp(-v))),
  },
  {
    name: 'softplus: empty and 0-d',
    kernels: ['Softplus'],
    run: () => [softplus(zeros([0, 3])), softplus(tensor(1))],
    expected: [
      { shape: [0, 3], values: [] },
      { shape: [], values: [Math.log1p(Math.E)] },
    ],
  },
  {
    name: 'cast: float32 to int32 truncates toward zero',
    kernels: ['Cast'],
    run: () => cast(tensor([-1.7, -0.5, 0.5, 2.9, 7]), 'int32'),
    expected: { values: [-1, 0, 0, 2, 7], dtype: 'int32' },
  },
  {
    name: 'cast: int32 to float32',
    kernels: ['Cast'],
    run: () => cast(int([[-3, 2]]), 'float32'),
    expected: { values: [[-3, 2]], dtype: 'float32' },
  },
  {
    name: 'cast: float32 to float64 is exact',
    kernels: ['Cast'],
    dtypes: ['float64'],
    run: () => cast(tensor([0.1, -2.5]), 'float64'),
    expected: { values: [Math.fround(0.1), -2.5], dtype: 'float64' },
    tolerance: 'exact',
  },
  {
    name: 'cast: float64 to float32 rounds',
    kernels: ['Cast'],
    dtypes: ['float64'],
    run: () => cast(tensor([0.1, 1 + 1e-12], undefined, 'float64'), 'float32'),
    expected: { values: [Math.fround(0.1), 1], dtype: 'float32' },
    tolerance: 'exact',
  },
  {
    name: 'exp: on an empty tensor',
    kernels: ['Exp'],
    run: () => exp(zeros([3, 0])),
    expected: { shape: [3, 0], values: [] },
  },
  {
    name: 'exp: on a transposed random input',
    kernels: ['Transpose', 'Exp'],
    run: () => exp(transpose(randn([3, 5], { seed: 3 }))),
    expected: () => expectDense(mapDense(refTranspose(randnValues([3, 5], 3), [1, 0]), Math.exp)),
  },
  {
    name: 'sqrt: float64',
    kernels: ['Sqrt'],
    dtypes: ['float64'],
    run: () => sqrt(tensor([2, 3], undefined, 'float64')),
    expected: { values: [Math.SQRT2, Math.sqrt(3)], dtype: 'float64' },
    tolerance: 1e-15,
  },
  {
    name: 'reluBackward: dy where y > 0 (0 and NaN give 0)',
    kernels: ['ReluBackward'],
    run: () => reluBackward(tensor([1, -2, 3, 4, 5, 6]), tensor([0.5, 2, 0, -1, Number.NaN, 1e-30])),
    expected: [1, -2, 0, 0, 0, 6],
    tolerance: 'exact',
  },
  {
    name: 'reluBackward: int32',
    kernels: ['ReluBackward'],
    run: () => reluBackward(int([3, 4, 5]), int([1, 0, -1])),
    expected: { values: [3, 0, 0], dtype: 'int32' },
  },
  {
    name: 'reluBackward: large (threads), 4-D',
    kernels: ['ReluBackward'],
    run: () =>
      reluBackward(
        tensor(randnValues([2, 3, 110, 110], 1).values, [2, 3, 110, 110]),
        tensor(randnValues([2, 3, 110, 110], 2).values, [2, 3, 110, 110]),
      ),
    expected: () => {
      const dy = randnValues([2, 3, 110, 110], 1).values;
      const y = randnValues([2, 3, 110, 110], 2).values;
      return { shape: [2, 3, 110, 110], values: dy.map((g, i) => (y[i]! > 0 ? g : 0)) };
    },
    tolerance: 'exact',
  },
  {
    name: 'reluBackward: empty',
    kernels: ['ReluBackward'],
    run: () => reluBackward(tensor([], [0, 2]), tensor([], [0, 2])),
    expected: { shape: [0, 2], values: [] },
  },
];
