/**
 * The unary ops added in 0.2 (kernels of the unary family): rounding, trigonometry, erf, log1p/expm1,
 * reciprocal/rsqrt and the activations gelu, silu, elu. Reference values of erf and gelu are PyTorch's.
 */
import {
  ceil,
  cos,
  elu,
  erf,
  expm1,
  floor,
  gelu,
  geluBackward,
  log1p,
  reciprocal,
  round,
  rsqrt,
  sign,
  silu,
  sin,
  tensor,
  zeros,
} from '@nn/tensor';
import { erf as erfOf } from '../../backends/cpu/erf';
import type { ConformanceCase } from '../types';
import { int } from './util';

type Kernel = ConformanceCase['kernels'][number];

const xs = [-3, -1, -0.5, 0, 0.5, 1, 2.5];
// torch.erf / torch.nn.functional.gelu of xs in float64.
const ERF = [
  -0.9999779095030014, -0.8427007929497149, -0.5204998778130465, 0, 0.5204998778130465, 0.8427007929497149,
  0.999593047982555,
];
const GELU = [
  -0.00404969409489031, -0.15865525393145702, -0.15426876936299344, 0, 0.34573123063700656, 0.841344746068543,
  2.4844758366855597,
];
const GELU_TANH = [
  -0.0036373920817729943, -0.15880800939172324, -0.15428599017485606, 0, 0.34571400982514394, 0.8411919906082768,
  2.484915733910001,
];

// dy and torch.autograd.grad(gelu(x), x, dy) for x = [...xs, -20, 20], float64.
const GELU_DY = [0.5, -2, 1, 3, -1, 0.25, 2, 1, 1];
const GELU_GRAD = [
  -0.00597282360209196, 0.1666309411753727, 0.13250487534383712, 1.5, -0.8674951246561629, 0.2708288676469216,
  2.07522217181629, 0, 1,
];
const GELU_TANH_GRAD = [
  -0.005792083315484824, 0.16592816769156515, 0.13263009646535764, 1.5, -0.8673699035346424, 0.27074102096144564,
  2.075903152425332, 0, 1,
];
// 2 x 3 x 110 x 110 values in [-6, 6]: past the size at which backends split elementwise work over threads.
const LARGE = 2 * 3 * 110 * 110;
const largeX = Array.from({ length: LARGE }, (_, i) => -6 + (12 * ((i * 7919) % LARGE)) / LARGE);
const largeDy = Array.from({ length: LARGE }, (_, i) => Math.cos(i));

function mapped(
  name: string,
  kernel: Kernel,
  run: ConformanceCase['run'],
  values: number[],
  f: (v: number) => number,
): ConformanceCase {
  return { name, kernels: [kernel], run, expected: values.map(f) };
}

const halves = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -0.7, 0.2, 3.7];

export const unaryMathCases: ConformanceCase[] = [
  {
    name: 'sign: float32 (NaN gives 0, as torch.sign)',
    kernels: ['Sign'],
    run: () => sign(tensor([-2.5, -0, 0, 1e-30, 7, Number.NaN])),
    expected: [-1, 0, 0, 1, 1, 0],
  },
  {
    name: 'sign, floor, ceil, round: int32 keeps dtype and values',
    kernels: ['Sign', 'Floor', 'Ceil', 'Round'],
    run: () => [sign(int([-5, 0, 3])), floor(int([-5, 0, 3])), ceil(int([-5, 0, 3])), round(int([-5, 0, 3]))],
    expected: [
      { values: [-1, 0, 1], dtype: 'int32' },
      { values: [-5, 0, 3], dtype: 'int32' },
      { values: [-5, 0, 3], dtype: 'int32' },
      { values: [-5, 0, 3], dtype: 'int32' },
    ],
  },
  mapped('floor: float32 halves and fractions', 'Floor', () => floor(tensor(halves)), halves, Math.floor),
  mapped('ceil: float32 halves and fractions', 'Ceil', () => ceil(tensor(halves)), halves, Math.ceil),
  {
    name: 'round: halves go to the even neighbour (as torch.round)',
    kernels: ['Round'],
    run: () => round(tensor([...halves, 1e7 + 0.5, -1e7 - 0.5])),
    expected: [-2, -2, -0, 0, 2, 2, -1, 0, 4, 1e7, -1e7],
  },
  mapped('sin: float32', 'Sin', () => sin(tensor([...xs, 100])), [...xs, 100], Math.sin),
  mapped('cos: float32', 'Cos', () => cos(tensor([...xs, 100])), [...xs, 100], Math.cos),
  {
    name: 'erf: float32, odd, saturating at +-1',
    kernels: ['Erf'],
    run: () => erf(tensor([...xs, -10, 10])),
    expected: [...ERF, -1, 1],
  },
  {
    name: 'log1p and expm1 keep tiny values exact; their edges',
    kernels: ['Log1p', 'Expm1'],
    run: () => [log1p(tensor([1e-10, -0.5, 0, 3, -1, -2])), expm1(tensor([1e-10, -0.5, 0, 3, -100]))],
    expected: [
      [1e-10, Math.log1p(-0.5), 0, Math.log1p(3), Number.NEGATIVE_INFINITY, Number.NaN],
      [1e-10, Math.expm1(-0.5), 0, Math.expm1(3), -1],
    ],
  },
  {
    name: 'reciprocal and rsqrt: values, 0 gives Infinity, rsqrt of negatives is NaN',
    kernels: ['Reciprocal', 'Rsqrt'],
    run: () => [reciprocal(tensor([-4, 0.5, 0, 3])), rsqrt(tensor([4, 0.25, 0, -1, 1e6]))],
    expected: [
      [-0.25, 2, Number.POSITIVE_INFINITY, 1 / 3],
      [0.5, 2, Number.POSITIVE_INFINITY, Number.NaN, 1e-3],
    ],
  },
  { name: 'gelu: exact (erf) form', kernels: ['Gelu'], run: () => gelu(tensor(xs)), expected: GELU },
  {
    name: "gelu: approximate 'tanh'",
    kernels: ['Gelu'],
    run: () => gelu(tensor(xs), { approximate: 'tanh' }),
    expected: GELU_TANH,
  },
  {
    name: 'gelu: far tails are 0 and x, both forms',
    kernels: ['Gelu'],
    run: () => [gelu(tensor([-20, 20])), gelu(tensor([-20, 20]), { approximate: 'tanh' })],
    expected: [
      [0, 20],
      [0, 20],
    ],
  },
  {
    name: "geluBackward: dy * gelu'(x), both forms, tails included (PyTorch's gelu gradients)",
    kernels: ['GeluBackward'],
    run: () => [
      geluBackward(tensor(GELU_DY), tensor([...xs, -20, 20])),
      geluBackward(tensor(GELU_DY), tensor([...xs, -20, 20]), { approximate: 'tanh' }),
    ],
    expected: [GELU_GRAD, GELU_TANH_GRAD],
  },
  {
    name: 'geluBackward: large (threads), 4-D',
    kernels: ['GeluBackward'],
    run: () => geluBackward(tensor(largeDy, [2, 3, 110, 110]), tensor(largeX, [2, 3, 110, 110])),
    expected: {
      shape: [2, 3, 110, 110],
      values: largeX.map(
        (v, i) =>
          largeDy[i]! * (0.5 * (1 + erfOf(v / Math.SQRT2)) + (v * Math.exp(-0.5 * v * v)) / Math.sqrt(2 * Math.PI)),
      ),
    },
  },
  {
    name: 'geluBackward: empty',
    kernels: ['GeluBackward'],
    run: () => geluBackward(tensor([], [0, 3]), tensor([], [0, 3])),
    expected: { shape: [0, 3], values: [] },
  },
  {
    name: 'silu: float32, without overflow far out',
    kernels: ['Silu'],
    run: () => silu(tensor([...xs, -1000, 1000])),
    expected: [...xs.map((v) => v / (1 + Math.exp(-v))), 0, 1000],
  },
  mapped(
    'elu: default alpha 1',
    'Elu',
    () => elu(tensor(xs)),
    xs,
    (v) => (v > 0 ? v : Math.expm1(v)),
  ),
  {
    name: 'elu: alpha 0.5 on a 2-d tensor, saturating at -alpha',
    kernels: ['Elu'],
    run: () => elu(tensor([[-1, 2, -100]]), 0.5),
    expected: [[0.5 * Math.expm1(-1), 2, -0.5]],
  },
  {
    name: 'unary 0.2 ops: empty and 0-d tensors',
    kernels: ['Sign', 'Round', 'Erf', 'Gelu', 'Silu', 'Elu', 'Rsqrt'],
    run: () => [
      sign(zeros([0, 2])),
      round(zeros([3, 0])),
      erf(zeros([0])),
      gelu(tensor(1)),
      silu(tensor(0)),
      elu(tensor(-1)),
      rsqrt(tensor(4)),
    ],
    expected: [
      { shape: [0, 2], values: [] },
      { shape: [3, 0], values: [] },
      { shape: [0], values: [] },
      { shape: [], values: [GELU[5]!] },
      { shape: [], values: [0] },
      { shape: [], values: [Math.expm1(-1)] },
      { shape: [], values: [0.5] },
    ],
  },
  {
    name: 'sin, gelu: float64',
    kernels: ['Sin', 'Gelu'],
    dtypes: ['float64'],
    run: () => [sin(tensor([1, 2], undefined, 'float64')), gelu(tensor(xs, undefined, 'float64'))],
    expected: [
      { values: [Math.sin(1), Math.sin(2)], dtype: 'float64' },
      { values: GELU, dtype: 'float64' },
    ],
    tolerance: 1e-15,
  },
];
