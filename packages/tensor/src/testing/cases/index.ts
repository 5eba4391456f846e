/** Every conformance case, by family. */
import { arange, rand, randn, tensor, zeros } from '@nn/tensor';
import { expectDense, randnValues, randValues } from '../reference';
import type { ConformanceCase } from '../types';
import { attentionCases } from './attention';
import { binaryCases } from './binary';
import { convCases } from './conv';
import { indexingCases } from './indexing';
import { matmulCases } from './matmul';
import { normalizationCases } from './normalization';
import { optimCases } from './optim';
import { poolCases } from './pool';
import { recurrentCases } from './recurrent';
import { reduceCases } from './reduce';
import { reduceStatsCases } from './reduce-stats';
import { resizeCases } from './resize';
import { selectionCases } from './selection';
import { shapeCases } from './shape';
import { softmaxCases } from './softmax';
import { unaryCases } from './unary';
import { unaryMathCases } from './unary-math';

/** Uploads and reads back without any kernel: what every other case relies on. */
const storageCases: ConformanceCase[] = [
  {
    name: 'storage: float32 round trip',
    kernels: [],
    run: () =>
      tensor([
        [1.5, -2],
        [1e-30, 3e30],
      ]),
    expected: [
      [1.5, -2],
      [1e-30, 3e30],
    ],
    tolerance: 'exact',
  },
  {
    name: 'storage: int32 round trip',
    kernels: [],
    run: () => tensor([-(2 ** 31), 2 ** 31 - 1, 0], undefined, 'int32'),
    expected: { values: [-(2 ** 31), 2 ** 31 - 1, 0], dtype: 'int32' },
  },
  {
    name: 'storage: float64 round trip',
    kernels: [],
    dtypes: ['float64'],
    run: () => tensor([0.1, 1 + 2 ** -40], undefined, 'float64'),
    expected: { values: [0.1, 1 + 2 ** -40], dtype: 'float64' },
    tolerance: 'exact',
  },
  {
    name: 'storage: empty tensor',
    kernels: [],
    run: () => zeros([2, 0, 3]),
    expected: { shape: [2, 0, 3], values: [] },
  },
  { name: 'storage: arange', kernels: [], run: () => arange(5), expected: { values: [0, 1, 2, 3, 4], dtype: 'int32' } },
  {
    name: 'storage: randn is the same seeded sequence everywhere',
    kernels: [],
    run: () => randn([3, 50], { seed: 1 }),
    expected: () => expectDense(randnValues([3, 50], 1)),
    tolerance: 'exact',
  },
  {
    name: 'storage: rand is the same seeded sequence everywhere',
    kernels: [],
    run: () => rand([40], { seed: 2, low: -1, high: 3 }),
    expected: () => expectDense(randValues([40], 2, -1, 3)),
    tolerance: 'exact',
  },
];

/** Every case of the conformance suite, each a kernel call with its expected result. */
export const conformanceCases: readonly ConformanceCase[] = [
  ...storageCases,
  ...binaryCases,
  ...unaryCases,
  ...unaryMathCases,
  ...reduceCases,
  ...resizeCases,
  ...reduceStatsCases,
  ...softmaxCases,
  ...shapeCases,
  ...indexingCases,
  ...matmulCases,
  ...convCases,
  ...poolCases,
  ...optimCases,
  ...normalizationCases,
  ...attentionCases,
  ...selectionCases,
  ...recurrentCases,
];
