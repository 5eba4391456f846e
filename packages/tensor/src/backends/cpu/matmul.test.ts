import { describe, expect, it } from 'vitest';
import { broadcastShapes } from '../../kernels/geometry';
import type { DType, Shape } from '../../types';
import { sizeOf } from '../../util/shape';
import { gemm } from './gemm';
import { expectClose, input, randomInt, randomValues, rng, run } from './test-utils';

/** Textbook matmul over batch-broadcast operands, in float64, as the reference. */
function naiveMatMul(a: number[], aShape: Shape, b: number[], bShape: Shape, transposeA: boolean, transposeB: boolean) {
  const [ar, ac] = aShape.slice(-2) as [number, number];
  const [br, bc] = bShape.slice(-2) as [number, number];
  const [m, k, n] = [transposeA ? ac : ar, transposeA ? ar : ac, transposeB ? br : bc];
  const batchShape = broadcastShapes('test', aShape.slice(0, -2), bShape.slice(0, -2));
  const out: number[] = [];
  for (let batch = 0; batch < sizeOf(batchShape); batch++) {
    // Batch index -> each operand's matrix index, broadcasting size-1 and missing axes.
    let aIndex = 0;
    let bIndex = 0;
    let rest = batch;
    let aStride = 1;
    let bStride = 1;
    for (let axis = batchShape.length - 1; axis >= 0; axis--) {
      const i = rest % batchShape[axis]!;
      rest = Math.floor(rest / batchShape[axis]!);
      const aDim = aShape[axis - batchShape.length + aShape.length - 2] ?? 1;
      const bDim = bShape[axis - batchShape.length + bShape.length - 2] ?? 1;
      aIndex += (aDim === 1 ? 0 : i) * aStride;
      bIndex += (bDim === 1 ? 0 : i) * bStride;
      aStride *= aDim;
      bStride *= bDim;
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const av = a[aIndex * ar * ac + (transposeA ? p * ac + i : i * ac + p)]!;
          const bv = b[bIndex * br * bc + (transposeB ? j * bc + p : p * bc + j)]!;
          sum += av * bv;
        }
        out.push(sum);
      }
    }
  }
  return { shape: [...batchShape, m, n], values: out };
}

function check(aShape: Shape, bShape: Shape, transposeA: boolean, transposeB: boolean, dtype: DType, seed: number) {
  const random = rng(seed);
  const a = randomValues(random, sizeOf(aShape), dtype);
  const b = randomValues(random, sizeOf(bShape), dtype);
  const out = run('MatMul', (be) => ({ a: input(be, a, aShape, dtype), b: input(be, b, bShape, dtype) }), {
    transposeA,
    transposeB,
  });
  const expected = naiveMatMul(a, aShape, b, bShape, transposeA, transposeB);
  expect(out.shape).toEqual(expected.shape);
  expect(out.dtype).toBe(dtype);
  if (dtype === 'int32') expect(out.values).toEqual(expected.values);
  else expectClose(out.values, expected.values, dtype === 'float64' ? 1e-12 : 1e-5);
}

/** Shapes of a [.., M, K] and b [.., K, N], stored transposed when asked. */
function stored(batch: number[], rows: number, cols: number, transposed: boolean): number[] {
  return [...batch, ...(transposed ? [cols, rows] : [rows, cols])];
}

describe('MatMul', () => {
  it('multiplies a hand-computed 2x3 @ 3x2', () => {
    const out = run(
      'MatMul',
      (be) => ({ a: input(be, [1, 2, 3, 4, 5, 6], [2, 3]), b: input(be, [7, 8, 9, 10, 11, 12], [3, 2]) }),
      { transposeA: false, transposeB: false },
    );
    expect(out).toMatchObject({ shape: [2, 2], dtype: 'float32', values: [58, 64, 139, 154] });
  });

  it('reads transposed operands without materialising them', () => {
    // a^T with a = [[1, 4], [2, 5], [3, 6]] is [[1, 2, 3], [4, 5, 6]]; b^T likewise.
    const out = run(
      'MatMul',
      (be) => ({ a: input(be, [1, 4, 2, 5, 3, 6], [3, 2]), b: input(be, [7, 9, 11, 8, 10, 12], [2, 3]) }),
      { transposeA: true, transposeB: true },
    );
    expect(out.values).toEqual([58, 64, 139, 154]);
  });

  it('matches the naive product on random shapes, every transpose combination and dtype', () => {
    const random = rng(1);
    for (let trial = 0; trial < 60; trial++) {
      const [m, k, n] = [randomInt(random, 0, 9), randomInt(random, 0, 9), randomInt(random, 0, 9)];
      const transposeA = random() < 0.5;
      const transposeB = random() < 0.5;
      const dtype = (['float32', 'float64', 'int32'] as const)[trial % 3]!;
      check(stored([], m, k, transposeA), stored([], k, n, transposeB), transposeA, transposeB, dtype, trial);
    }
  });

  it('crosses every cache-block boundary (M > 128, K > 256, N > 1024) with ragged edges', () => {
    check([131, 259], [259, 7], false, false, 'float32', 2);
    check([259, 131], [7, 259], true, true, 'float64', 3);
    check([5, 3], [3, 1031], false, false, 'float32', 4);
    check([3, 5], [1031, 3], true, true, 'float32', 5);
  });

  it('broadcasts batch dimensions, including size-1, missing and size-0 batch axes', () => {
    const cases: [number[], number[]][] = [
      [[2], [2]],
      [[3], []],
      [[], [4]],
      [
        [2, 1],
        [1, 3],
      ],
      [[1], [5]],
      [[0], [1]],
      [[2, 3], [3]],
    ];
    cases.forEach(([aBatch, bBatch], i) => {
      for (const [transposeA, transposeB] of [
        [false, false],
        [true, false],
        [false, true],
      ] as const) {
        check(stored(aBatch, 4, 6, transposeA), stored(bBatch, 6, 5, transposeB), transposeA, transposeB, 'float64', i);
      }
    });
  });

  it('returns zeros when the inner dimension is 0 and empty results for empty outer ones', () => {
    const zeros = run('MatMul', (be) => ({ a: input(be, [], [2, 0]), b: input(be, [], [0, 3]) }), {
      transposeA: false,
      transposeB: false,
    });
    expect(zeros).toMatchObject({ shape: [2, 3], values: [0, 0, 0, 0, 0, 0] });
    const empty = run('MatMul', (be) => ({ a: input(be, [], [0, 4]), b: input(be, new Array(12).fill(1), [4, 3]) }), {
      transposeA: false,
      transposeB: false,
    });
    expect(empty).toMatchObject({ shape: [0, 3], values: [] });
  });

  it('rounds float32 results once, from a float64 accumulation', () => {
    const k = 1000;
    const out = run(
      'MatMul',
      (be) => ({ a: input(be, new Array(k).fill(0.1), [1, k]), b: input(be, new Array(k).fill(0.1), [k, 1]) }),
      { transposeA: false, transposeB: false },
    );
    expect(out.values[0]).toBe(Math.fround(Math.fround(0.1) * Math.fround(0.1) * k));
  });

  it('wraps int32 results', () => {
    const out = run(
      'MatMul',
      (be) => ({ a: input(be, [65536], [1, 1], 'int32'), b: input(be, [65536], [1, 1], 'int32') }),
      {
        transposeA: false,
        transposeB: false,
      },
    );
    expect(out.values).toEqual([0]);
  });
});

describe('gemm', () => {
  it('accumulates into c at an offset with a leading dimension wider than n', () => {
    const c = new Float64Array(2 * 5).fill(1);
    const a = { data: new Float32Array([1, 2, 3, 4]), offset: 0, rowStride: 2, colStride: 1 };
    const b = { data: new Float32Array([1, 0, 0, 1]), offset: 0, rowStride: 2, colStride: 1 };
    gemm(2, 2, 2, a, b, c, 1, 5);
    expect(Array.from(c)).toEqual([1, 2, 3, 1, 1, 1, 4, 5, 1, 1]);
  });
});
