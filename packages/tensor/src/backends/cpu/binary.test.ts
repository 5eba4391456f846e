import { describe, expect, it } from 'vitest';
import type { KernelName } from '../../kernels/contract';
import { broadcastShapes } from '../../kernels/geometry';
import type { DType, Shape } from '../../types';
import { sizeOf, stridesOf } from '../../util/shape';
import { expectClose, input, randomValues, rng, run } from './test-utils';

type BinaryName = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow' | 'Maximum' | 'Minimum' | 'Equal' | 'Greater' | 'Less';

const REFERENCE: Record<BinaryName, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Pow: (a, b) => a ** b,
  Maximum: (a, b) => Math.max(a, b),
  Minimum: (a, b) => Math.min(a, b),
  Equal: (a, b) => (a === b ? 1 : 0),
  Greater: (a, b) => (a > b ? 1 : 0),
  Less: (a, b) => (a < b ? 1 : 0),
};

/** Reads `values` of `shape` at the broadcast position `index` of `outShape`, the slow obvious way. */
function at(values: number[], shape: Shape, outShape: Shape, index: number): number {
  const outStrides = stridesOf(outShape);
  const strides = stridesOf(shape);
  let flat = 0;
  for (let axis = 0; axis < outShape.length; axis++) {
    const i = Math.floor(index / outStrides[axis]!) % outShape[axis]!;
    const j = axis - (outShape.length - shape.length);
    if (j >= 0 && shape[j] !== 1) flat += i * strides[j]!;
  }
  return values[flat]!;
}

function check(name: BinaryName, aShape: Shape, bShape: Shape, dtype: DType, seed: number) {
  const random = rng(seed);
  const a = randomValues(random, sizeOf(aShape), dtype);
  // Pow of negative bases needs integer exponents; comparisons need some equal pairs.
  const b = randomValues(random, sizeOf(bShape), name === 'Pow' ? 'int32' : dtype).map((v, i) =>
    name === 'Equal' && i % 3 === 0 ? (a[i % Math.max(a.length, 1)] ?? v) : v,
  );
  const out = run(name, (be) => ({ a: input(be, a, aShape, dtype), b: input(be, b, bShape, dtype) }), {});
  const shape = broadcastShapes(name, aShape, bShape);
  const expected = Array.from({ length: sizeOf(shape) }, (_, i) =>
    REFERENCE[name](at(a, aShape, shape, i), at(b, bShape, shape, i)),
  );
  expect(out.shape).toEqual(shape);
  const isComparison = name === 'Equal' || name === 'Greater' || name === 'Less';
  expect(out.dtype).toBe(isComparison || (name === 'Div' && dtype === 'int32') ? 'float32' : dtype);
  if (out.dtype === 'int32') expect(out.values).toEqual(expected.map((v) => v | 0));
  else expectClose(out.values, expected, out.dtype === 'float64' ? 1e-12 : 1e-6);
}

const SHAPE_PAIRS: [number[], number[]][] = [
  [
    [2, 3],
    [2, 3],
  ],
  [[], []],
  [[2, 3], []],
  [[], [4]],
  [[1], [5]],
  [
    [4, 1],
    [1, 3],
  ],
  [
    [2, 1, 4],
    [3, 1],
  ],
  [[3, 4], [4]],
  [
    [2, 3, 4],
    [2, 1, 4],
  ],
  [
    [5, 2],
    [5, 1],
  ],
  [
    [0, 3],
    [1, 3],
  ],
  [[0], []],
  [
    [2, 0],
    [2, 1],
  ],
  [
    [1, 1, 1],
    [2, 2],
  ],
];

describe('binary kernels', () => {
  for (const name of Object.keys(REFERENCE) as BinaryName[]) {
    it(`${name} broadcasts like NumPy for float32, float64 and int32`, () => {
      SHAPE_PAIRS.forEach(([aShape, bShape], i) => {
        for (const dtype of ['float32', 'float64', 'int32'] as const) {
          check(name, aShape, bShape, dtype, i);
          check(name, bShape, aShape, dtype, i + 100);
        }
      });
    });
  }

  it('computes hand-checked values', () => {
    const pairs: [KernelName & BinaryName, number[]][] = [
      ['Add', [11, 22, 13, 24]],
      ['Sub', [-9, -18, -7, -16]],
      ['Mul', [10, 40, 30, 80]],
      ['Div', [0.1, 0.1, 0.3, 0.2]],
      ['Maximum', [10, 20, 10, 20]],
      ['Greater', [0, 0, 0, 0]],
      ['Less', [1, 1, 1, 1]],
    ];
    for (const [name, expected] of pairs) {
      const out = run(
        name,
        (be) => ({ a: input(be, [1, 2, 3, 4], [2, 2], 'float64'), b: input(be, [10, 20], [2], 'float64') }),
        {},
      );
      expectClose(out.values, expected, 1e-15);
    }
  });

  it('divides int32 by int32 into float32 true division', () => {
    const out = run(
      'Div',
      (be) => ({ a: input(be, [7, -7, 1, 0], [4], 'int32'), b: input(be, [2, 2, 0, 0], [4], 'int32') }),
      {},
    );
    expect(out.dtype).toBe('float32');
    expect(out.values).toEqual([3.5, -3.5, Number.POSITIVE_INFINITY, Number.NaN]);
  });

  it('wraps int32 arithmetic like 32-bit integers', () => {
    const big = 2 ** 31 - 1;
    const add = run('Add', (be) => ({ a: input(be, [big], [1], 'int32'), b: input(be, [1], [1], 'int32') }), {});
    expect(add.values).toEqual([-(2 ** 31)]);
    const mul = run(
      'Mul',
      (be) => ({ a: input(be, [big, 65536], [2], 'int32'), b: input(be, [big, 65536], [2], 'int32') }),
      {},
    );
    expect(mul.values).toEqual([Math.imul(big, big), 0]);
  });

  it('propagates NaN through Maximum and Minimum, and compares NaN as unequal', () => {
    const make = (be: Parameters<Parameters<typeof run>[1]>[0]) => ({
      a: input(be, [Number.NaN, 1], [2]),
      b: input(be, [1, Number.NaN], [2]),
    });
    expect(run('Maximum', make, {}).values).toEqual([Number.NaN, Number.NaN]);
    expect(run('Minimum', make, {}).values).toEqual([Number.NaN, Number.NaN]);
    expect(run('Equal', make, {}).values).toEqual([0, 0]);
  });

  it('rounds float32 results to float32', () => {
    const out = run(
      'Add',
      (be) => ({ a: input(be, [Math.fround(0.1)], [1]), b: input(be, [Math.fround(0.2)], [1]) }),
      {},
    );
    expect(out.values[0]).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
  });
});

describe('Where', () => {
  it('picks a where the condition is non-zero (NaN included), b elsewhere, broadcasting all three', () => {
    const out = run(
      'Where',
      (be) => ({
        condition: input(be, [1, 0, Number.NaN], [3, 1]),
        a: input(be, [1, 2], [2], 'float64'),
        b: input(be, [-1], [1, 1], 'float64'),
      }),
      {},
    );
    expect(out).toMatchObject({ shape: [3, 2], dtype: 'float64', values: [1, 2, -1, -1, 1, 2] });
  });

  it('matches a per-element reference on random broadcast shapes, including size 0', () => {
    const random = rng(7);
    const triples: [number[], number[], number[]][] = [
      [
        [2, 3],
        [2, 3],
        [2, 3],
      ],
      [[4, 1, 3], [2, 1], [3]],
      [[], [2, 2], [1]],
      [[0, 2], [2], []],
    ];
    for (const [cShape, aShape, bShape] of triples) {
      const c = randomValues(random, sizeOf(cShape)).map((v) => (v > 0 ? 1 : 0));
      const a = randomValues(random, sizeOf(aShape), 'int32');
      const b = randomValues(random, sizeOf(bShape), 'int32');
      const out = run(
        'Where',
        (be) => ({
          condition: input(be, c, cShape),
          a: input(be, a, aShape, 'int32'),
          b: input(be, b, bShape, 'int32'),
        }),
        {},
      );
      const shape = broadcastShapes('where', cShape, aShape, bShape);
      const expected = Array.from({ length: sizeOf(shape) }, (_, i) =>
        at(c, cShape, shape, i) !== 0 ? at(a, aShape, shape, i) : at(b, bShape, shape, i),
      );
      expect(out.shape).toEqual(shape);
      expect(out.values).toEqual(expected);
    }
  });
});
