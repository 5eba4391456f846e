import { describe, expect, it } from 'vitest';
import type { Shape } from '../../types';
import { sizeOf, stridesOf } from '../../util/shape';
import { input, randomInt, randomValues, rng, run } from './test-utils';

type Make = Parameters<Parameters<typeof run>[1]>[0];

/** Multi-index of `flat` in a row-major `shape`. */
function _unravel(flat: number, shape: Shape): number[] {
  const strides = stridesOf(shape);
  return shape.map((d, axis) => Math.floor(flat / strides[axis]!) % d);
}

function _ravel(index: readonly number[], shape: Shape): number {
  const strides = stridesOf(shape);
  return index.reduce((sum, i, axis) => sum + i * strides[axis]!, 0);
}

function iota(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe('Gather and ScatterAdd', () => {
  it('gathers rows, columns and with multi-dimensional indices', () => {
    const x = (be: Make, indices: number[], shape: Shape) => ({
      x: input(be, iota(6), [2, 3]),
      indices: input(be, indices, shape, 'int32'),
    });
    expect(run('Gather', (be) => x(be, [1, 1, 0], [3]), { axis: 0 })).toMatchObject({
      shape: [3, 3],
      values: [3, 4, 5, 3, 4, 5, 0, 1, 2],
    });
    expect(run('Gather', (be) => x(be, [2, 0, 1, 2], [2, 2]), { axis: 1 })).toMatchObject({
      shape: [2, 2, 2],
      values: [2, 0, 1, 2, 5, 3, 4, 5],
    });
    expect(run('Gather', (be) => x(be, [], [0]), { axis: 1 })).toMatchObject({ shape: [2, 0], values: [] });
    expect(run('Gather', (be) => x(be, [1], []), { axis: 0 })).toMatchObject({ shape: [3], values: [3, 4, 5] });
  });

  it('scatter-adds as the adjoint of gather: <gather(x), u> = <x, scatterAdd(u)>', () => {
    const random = rng(9);
    for (let axis = 0; axis < 3; axis++) {
      const xShape = [3, 4, 2];
      const indexShape = [2, 3];
      const indices = Array.from({ length: sizeOf(indexShape) }, () => randomInt(random, 0, xShape[axis]! - 1));
      const x = randomValues(random, sizeOf(xShape), 'float64');
      const gathered = run(
        'Gather',
        (be) => ({ x: input(be, x, xShape, 'float64'), indices: input(be, indices, indexShape, 'int32') }),
        {
          axis,
        },
      );
      const u = randomValues(random, gathered.values.length, 'float64');
      const scattered = run(
        'ScatterAdd',
        (be) => ({
          updates: input(be, u, gathered.shape, 'float64'),
          indices: input(be, indices, indexShape, 'int32'),
        }),
        { axis, size: xShape[axis]! },
      );
      expect(scattered.shape).toEqual(xShape);
      const lhs = gathered.values.reduce((s, g, i) => s + g * u[i]!, 0);
      const rhs = x.reduce((s, v, i) => s + v * scattered.values[i]!, 0);
      expect(lhs).toBeCloseTo(rhs, 12);
    }
  });

  it('sums repeated indices and leaves untouched rows at zero, in int32 too', () => {
    const out = run(
      'ScatterAdd',
      (be) => ({
        updates: input(be, [1, 2, 3, 4, 5, 6], [3, 2], 'int32'),
        indices: input(be, [2, 0, 2], [3], 'int32'),
      }),
      { axis: 0, size: 4 },
    );
    expect(out).toMatchObject({ shape: [4, 2], dtype: 'int32', values: [3, 4, 0, 0, 6, 8, 0, 0] });
  });
});

describe('OneHot', () => {
  it('encodes int32 indices as float32 rows, zero rows for out-of-range', () => {
    const out = run('OneHot', (be) => ({ indices: input(be, [0, 2, -1, 1], [2, 2], 'int32') }), { depth: 3 });
    expect(out).toMatchObject({ shape: [2, 2, 3], dtype: 'float32', values: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0] });
    expect(run('OneHot', (be) => ({ indices: input(be, [], [0], 'int32') }), { depth: 4 })).toMatchObject({
      shape: [0, 4],
    });
  });
});
