import { describe, expect, it } from 'vitest';
import { reducedShape } from '../../kernels/geometry';
import type { DType, Shape } from '../../types';
import { sizeOf, stridesOf } from '../../util/shape';
import { expectClose, input, randomInt, randomValues, rng, run } from './test-utils';

/** Reduces by visiting every input element and folding it into its output cell, the slow obvious way. */
function naiveReduce(
  values: number[],
  shape: Shape,
  axes: number[],
  fold: (acc: number, v: number) => number,
  init: number,
) {
  const outShape = reducedShape(shape, axes);
  const outStrides = stridesOf(outShape);
  const inStrides = stridesOf(shape);
  const out = new Array<number>(sizeOf(outShape)).fill(init);
  values.forEach((v, flat) => {
    let o = 0;
    let k = 0;
    shape.forEach((d, axis) => {
      const i = Math.floor(flat / inStrides[axis]!) % d;
      if (!axes.includes(axis)) o += i * outStrides[k++]!;
    });
    out[o] = fold(out[o]!, v);
  });
  return { shape: outShape, values: out };
}

const FOLDS = {
  Sum: [(a: number, v: number) => a + v, 0],
  Max: [(a: number, v: number) => Math.max(a, v), Number.NEGATIVE_INFINITY],
  Min: [(a: number, v: number) => Math.min(a, v), Number.POSITIVE_INFINITY],
} as const;

/** Every non-empty subset of the axes of a rank-`rank` tensor, sorted. */
function axisSubsets(rank: number): number[][] {
  const subsets: number[][] = [];
  for (let mask = 1; mask < 1 << rank; mask++) subsets.push([...Array(rank).keys()].filter((a) => mask & (1 << a)));
  return subsets;
}

describe('Sum, Max, Min', () => {
  for (const name of ['Sum', 'Max', 'Min'] as const) {
    it(`${name} over every subset of axes of random shapes matches the naive fold`, () => {
      const random = rng(11);
      for (let trial = 0; trial < 40; trial++) {
        const rank = randomInt(random, 1, 4);
        const shape = Array.from({ length: rank }, () => randomInt(random, 1, 4));
        if (trial % 10 === 0) shape[randomInt(random, 0, rank - 1)] = 0;
        const dtype = (['float32', 'float64', 'int32'] as const)[trial % 3]! satisfies DType;
        const x = randomValues(random, sizeOf(shape), dtype);
        for (const axes of axisSubsets(rank)) {
          const out = run(name, (be) => ({ x: input(be, x, shape, dtype) }), { axes });
          const [fold, init] = FOLDS[name];
          const expected = naiveReduce(x, shape, axes, fold, init);
          expect(out.shape).toEqual(expected.shape);
          expect(out.dtype).toBe(dtype);
          const rounded = dtype === 'float32' ? expected.values.map(Math.fround) : expected.values;
          // int32 cannot hold +-Infinity: an empty Max/Min stores ToInt32(+-Infinity) = 0.
          if (dtype === 'int32') expect(out.values).toEqual(rounded.map((v) => v | 0));
          else expectClose(out.values, rounded, 1e-6);
        }
      }
    });
  }

  it('sums hand-checked values along each axis', () => {
    const x = (be: Parameters<Parameters<typeof run>[1]>[0]) => ({ x: input(be, [1, 2, 3, 4, 5, 6], [2, 3]) });
    expect(run('Sum', x, { axes: [0] })).toMatchObject({ shape: [3], values: [5, 7, 9] });
    expect(run('Sum', x, { axes: [1] })).toMatchObject({ shape: [2], values: [6, 15] });
    expect(run('Sum', x, { axes: [0, 1] })).toMatchObject({ shape: [], values: [21] });
    expect(run('Max', x, { axes: [1] }).values).toEqual([3, 6]);
    expect(run('Min', x, { axes: [0] }).values).toEqual([1, 2, 3]);
  });

  it('gives 0 for an empty sum and -Infinity / Infinity for an empty max / min', () => {
    const x = (be: Parameters<Parameters<typeof run>[1]>[0]) => ({ x: input(be, [], [2, 0]) });
    expect(run('Sum', x, { axes: [1] })).toMatchObject({ shape: [2], values: [0, 0] });
    expect(run('Max', x, { axes: [1] }).values).toEqual([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(run('Min', x, { axes: [1] }).values).toEqual([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect(run('Sum', x, { axes: [0] })).toMatchObject({ shape: [0], values: [] });
  });

  it('propagates NaN through Max and Min on both the inner and the outer axis', () => {
    const x = (be: Parameters<Parameters<typeof run>[1]>[0]) => ({ x: input(be, [1, Number.NaN, 3, 4], [2, 2]) });
    expect(run('Max', x, { axes: [1] }).values).toEqual([Number.NaN, 4]);
    expect(run('Max', x, { axes: [0] }).values).toEqual([3, Number.NaN]);
    expect(run('Min', x, { axes: [0, 1] }).values).toEqual([Number.NaN]);
  });

  it('accumulates float32 sums in float64 and wraps int32 sums', () => {
    const n = 100_000;
    const f = run('Sum', (be) => ({ x: input(be, new Array(n).fill(0.1), [n]) }), { axes: [0] });
    expect(f.values[0]).toBe(Math.fround(Math.fround(0.1) * n));
    const i = run('Sum', (be) => ({ x: input(be, [2 ** 31 - 1, 1], [2], 'int32') }), { axes: [0] });
    expect(i.values).toEqual([-(2 ** 31)]);
  });
});

describe('ArgMax', () => {
  it('returns the index of the first maximum along any axis, as int32', () => {
    const x = (be: Parameters<Parameters<typeof run>[1]>[0]) => ({ x: input(be, [1, 5, 5, 7, 0, 7], [2, 3]) });
    expect(run('ArgMax', x, { axis: 1 })).toMatchObject({ shape: [2], dtype: 'int32', values: [1, 0] });
    expect(run('ArgMax', x, { axis: 0 })).toMatchObject({ shape: [3], values: [1, 0, 1] });
  });

  it('matches a naive scan on random 3-D shapes', () => {
    const random = rng(5);
    for (let trial = 0; trial < 20; trial++) {
      const shape = [randomInt(random, 1, 4), randomInt(random, 1, 4), randomInt(random, 1, 4)];
      // Few distinct values, so ties are common and "first" is tested.
      const x = randomValues(random, sizeOf(shape), 'int32');
      for (let axis = 0; axis < 3; axis++) {
        const out = run('ArgMax', (be) => ({ x: input(be, x, shape, 'float64') }), { axis });
        const strides = stridesOf(shape);
        const expected: number[] = [];
        const outShape = reducedShape(shape, [axis]);
        for (let o = 0; o < sizeOf(outShape); o++) {
          const outerIndex = Math.floor(o / sizeOf(shape.slice(axis + 1)));
          const innerIndex = o % sizeOf(shape.slice(axis + 1));
          const base = outerIndex * shape[axis]! * strides[axis]! + innerIndex;
          let best = 0;
          for (let k = 1; k < shape[axis]!; k++)
            if (x[base + k * strides[axis]!]! > x[base + best * strides[axis]!]!) best = k;
          expected.push(best);
        }
        expect(out.shape).toEqual(outShape);
        expect(out.values).toEqual(expected);
      }
    }
  });

  it('treats the first NaN as the maximum, like torch.argmax', () => {
    const out = run('ArgMax', (be) => ({ x: input(be, [1, Number.NaN, 9, Number.NaN, Number.NaN, 2], [2, 3]) }), {
      axis: 1,
    });
    expect(out.values).toEqual([1, 0]);
  });

  it('handles size-0 axes around the reduced one', () => {
    const out = run('ArgMax', (be) => ({ x: input(be, [], [0, 3]) }), { axis: 1 });
    expect(out).toMatchObject({ shape: [0], values: [] });
  });
});
