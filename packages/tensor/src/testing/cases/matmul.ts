/** Matrix multiplication: 1-D, 2-D, batched with broadcast batch dims, transposes, odd and empty sizes. */
import { matmul, randn, reshape, slice, tensor, transpose, zeros } from '@nn/tensor';
import { type Dense, expectDense, randnValues, refMatmul, refTranspose } from '../reference';
import type { ConformanceCase } from '../types';

const int = (values: number[][]) => tensor(values, undefined, 'int32');

/** matmul of seeded random [aShape] @ [bShape] against the naive float64 reference. */
function randomMatmul(
  aShape: number[],
  bShape: number[],
  options: { transposeA?: boolean; transposeB?: boolean } = {},
): ConformanceCase {
  const flags = [options.transposeA ? 'transposeA' : '', options.transposeB ? 'transposeB' : '']
    .filter(Boolean)
    .join(' ');
  return {
    name: `matmul: random ${JSON.stringify(aShape)} @ ${JSON.stringify(bShape)}${flags ? ` ${flags}` : ''}`,
    kernels: ['MatMul'],
    run: () => matmul(randn(aShape, { seed: 41 }), randn(bShape, { seed: 42 }), options),
    expected: () =>
      expectDense(refMatmul(randnValues(aShape, 41), randnValues(bShape, 42), options.transposeA, options.transposeB)),
  };
}

/** Drops the axes a 1-D operand was promoted with. */
function squeezeAxes(d: Dense, axes: number[]): Dense {
  return { shape: d.shape.filter((_, i) => !axes.includes(i)), values: d.values };
}

export const matmulCases: ConformanceCase[] = [
  {
    name: 'matmul: 2x3 @ 3x2 hand values',
    kernels: ['MatMul'],
    run: () =>
      matmul(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        tensor([
          [7, 8],
          [9, 10],
          [11, 12],
        ]),
      ),
    expected: [
      [58, 64],
      [139, 154],
    ],
  },
  {
    name: 'matmul: int32 is exact',
    kernels: ['MatMul'],
    run: () =>
      matmul(
        int([
          [1, -2],
          [3, 4],
        ]),
        int([[5], [6]]),
      ),
    expected: { values: [[-7], [39]], dtype: 'int32' },
  },
  {
    name: 'matmul: 1-D @ 1-D is a scalar',
    kernels: ['MatMul'],
    run: () => matmul(tensor([1, 2, 3]), tensor([4, 5, 6])),
    expected: 32,
  },
  {
    name: 'matmul: 1-D @ 2-D',
    kernels: ['MatMul'],
    run: () =>
      matmul(
        tensor([1, 2]),
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ),
    expected: [9, 12, 15],
  },
  {
    name: 'matmul: 2-D @ 1-D',
    kernels: ['MatMul'],
    run: () =>
      matmul(
        tensor([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
        tensor([1, -1]),
      ),
    expected: [-1, -1, -1],
  },
  {
    name: 'matmul: 1-D @ batched 3-D',
    kernels: ['MatMul'],
    run: () => matmul(randn([4], { seed: 43 }), randn([2, 4, 3], { seed: 44 })),
    expected: () =>
      expectDense(
        squeezeAxes(refMatmul({ shape: [1, 4], values: randnValues([4], 43).values }, randnValues([2, 4, 3], 44)), [1]),
      ),
  },
  {
    name: 'matmul: batched 3-D @ 1-D',
    kernels: ['MatMul'],
    run: () => matmul(randn([2, 3, 4], { seed: 45 }), randn([4], { seed: 46 })),
    expected: () =>
      expectDense(
        squeezeAxes(refMatmul(randnValues([2, 3, 4], 45), { shape: [4, 1], values: randnValues([4], 46).values }), [2]),
      ),
  },
  {
    name: 'matmul: batched hand values',
    kernels: ['MatMul'],
    run: () =>
      matmul(
        tensor([
          [
            [1, 0],
            [0, 1],
          ],
          [
            [2, 0],
            [0, 2],
          ],
        ]),
        tensor([
          [
            [1, 2],
            [3, 4],
          ],
          [
            [1, 2],
            [3, 4],
          ],
        ]),
      ),
    expected: [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [2, 4],
        [6, 8],
      ],
    ],
  },
  {
    name: 'matmul: transposeA hand values',
    kernels: ['MatMul'],
    run: () =>
      matmul(
        tensor([
          [1, 4],
          [2, 5],
          [3, 6],
        ]),
        tensor([
          [7, 8],
          [9, 10],
          [11, 12],
        ]),
        { transposeA: true },
      ),
    expected: [
      [58, 64],
      [139, 154],
    ],
  },
  {
    name: 'matmul: transposeB hand values',
    kernels: ['MatMul'],
    run: () =>
      matmul(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        tensor([
          [7, 9, 11],
          [8, 10, 12],
        ]),
        { transposeB: true },
      ),
    expected: [
      [58, 64],
      [139, 154],
    ],
  },
  randomMatmul([17, 33], [33, 9]),
  randomMatmul([64, 64], [64, 64]),
  randomMatmul([1, 70], [70, 1]),
  randomMatmul([5, 1], [1, 6]),
  randomMatmul([3, 7], [5, 7], { transposeB: true }),
  randomMatmul([7, 3], [7, 5], { transposeA: true }),
  randomMatmul([2, 7, 3], [2, 5, 7], { transposeA: true, transposeB: true }),
  randomMatmul([33, 17], [9, 33], { transposeA: true, transposeB: true }),
  randomMatmul([3, 2, 4], [3, 4, 5]),
  randomMatmul([2, 1, 2, 3], [3, 3, 2]),
  randomMatmul([3, 4], [2, 4, 5]),
  randomMatmul([4, 1, 3, 6], [1, 5, 6, 2]),
  randomMatmul([2, 3, 5], [5, 4], { transposeB: false }),
  randomMatmul([2, 5, 3], [1, 4, 5], { transposeA: true, transposeB: true }),
  {
    name: 'matmul: inner dimension 0 gives zeros',
    kernels: ['MatMul'],
    run: () => matmul(zeros([2, 0]), zeros([0, 3])),
    expected: [
      [0, 0, 0],
      [0, 0, 0],
    ],
  },
  {
    name: 'matmul: empty rows',
    kernels: ['MatMul'],
    run: () => matmul(zeros([0, 4]), zeros([4, 3])),
    expected: { shape: [0, 3], values: [] },
  },
  {
    name: 'matmul: empty batch',
    kernels: ['MatMul'],
    run: () => matmul(zeros([0, 2, 4]), zeros([4, 3])),
    expected: { shape: [0, 2, 3], values: [] },
  },
  {
    name: 'matmul: float64',
    kernels: ['MatMul'],
    dtypes: ['float64'],
    run: () =>
      matmul(
        tensor(
          [
            [0.1, 0.2],
            [0.3, 0.4],
          ],
          undefined,
          'float64',
        ),
        tensor([[1e-9], [1]], undefined, 'float64'),
      ),
    expected: { values: [[0.1 * 1e-9 + 0.2], [0.3 * 1e-9 + 0.4]], dtype: 'float64' },
    tolerance: 1e-14,
  },
  {
    name: 'matmul: transposed and sliced (non-contiguous-derived) inputs',
    kernels: ['Transpose', 'Slice', 'MatMul'],
    run: () => matmul(transpose(randn([6, 5], { seed: 47 })), slice(randn([8, 4], { seed: 48 }), [1, 0], [6, 3])),
    expected: () => {
      const a = refTranspose(randnValues([6, 5], 47), [1, 0]);
      const b = randnValues([8, 4], 48);
      const rows = Array.from({ length: 6 }, (_, r) => b.values.slice((r + 1) * 4, (r + 1) * 4 + 3)).flat();
      return expectDense(refMatmul(a, { shape: [6, 3], values: rows }));
    },
  },
  {
    name: 'matmul: reshaped batch of a transpose',
    kernels: ['Transpose', 'Reshape', 'MatMul'],
    run: () => matmul(reshape(transpose(randn([4, 6], { seed: 49 })), [2, 3, 4]), randn([4, 2], { seed: 50 })),
    expected: () => {
      const a = refTranspose(randnValues([4, 6], 49), [1, 0]);
      return expectDense(refMatmul({ shape: [2, 3, 4], values: a.values }, randnValues([4, 2], 50)));
    },
  },
];
