import { describe, expect, it } from 'vitest';
import type { DType } from '../../types';
import { expectClose, input, randomValues, rng, run } from './test-utils';

type PlainUnary = 'Neg' | 'Exp' | 'Log' | 'Sqrt' | 'Abs' | 'Square' | 'Relu' | 'Sigmoid' | 'Tanh';

const REFERENCE: Record<PlainUnary, (x: number) => number> = {
  Neg: (x) => -x,
  Exp: Math.exp,
  Log: Math.log,
  Sqrt: Math.sqrt,
  Abs: Math.abs,
  Square: (x) => x * x,
  Relu: (x) => Math.max(x, 0),
  Sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  Tanh: Math.tanh,
};

describe('unary kernels', () => {
  for (const name of Object.keys(REFERENCE) as PlainUnary[]) {
    it(`${name} matches Math on float32 and float64, keeping shape and dtype`, () => {
      for (const dtype of ['float32', 'float64'] as const) {
        for (const shape of [[2, 3], [], [0], [1, 0, 2], [7]]) {
          const x = randomValues(
            rng(shape.length),
            shape.reduce((s, d) => s * d, 1),
            dtype,
          ).map((v) => (name === 'Log' || name === 'Sqrt' ? Math.abs(v) + 0.01 : 3 * v));
          const out = run(name, (be) => ({ x: input(be, x, shape, dtype) }), {});
          expect(out.shape).toEqual(shape);
          expect(out.dtype).toBe(dtype);
          const expected = x.map(REFERENCE[name]);
          expectClose(
            out.values,
            dtype === 'float32' ? expected.map(Math.fround) : expected,
            dtype === 'float32' ? 1e-6 : 1e-14,
          );
        }
      }
    });
  }

  it('keeps int32 results in int32, wrapping like 32-bit integers', () => {
    const x = [3, -4, 2 ** 31 - 1, -(2 ** 31)];
    const values = (name: PlainUnary) => run(name, (be) => ({ x: input(be, x, [4], 'int32') }), {}).values;
    expect(values('Neg')).toEqual([-3, 4, -(2 ** 31 - 1), -(2 ** 31)]);
    expect(values('Abs')).toEqual([3, 4, 2 ** 31 - 1, -(2 ** 31)]);
    expect(values('Square')).toEqual([9, 16, 1, 0]);
    expect(values('Relu')).toEqual([3, 0, 2 ** 31 - 1, 0]);
  });

  it('computes sigmoid without overflow or NaN for large |x|', () => {
    const out = run('Sigmoid', (be) => ({ x: input(be, [-1000, -50, 0, 50, 1000], [5], 'float64') }), {});
    expect(out.values[0]).toBe(0);
    expect(out.values[1]).toBeCloseTo(Math.exp(-50), 30);
    expect(out.values.slice(2)).toEqual([0.5, 1, 1]);
  });

  it('passes NaN through Relu, LeakyRelu and Clip', () => {
    const x = (be: Parameters<Parameters<typeof run>[1]>[0]) => ({ x: input(be, [Number.NaN], [1]) });
    expect(run('Relu', x, {}).values).toEqual([Number.NaN]);
    expect(run('LeakyRelu', x, { alpha: 0.1 }).values).toEqual([Number.NaN]);
    expect(run('Clip', x, { min: 0, max: 1 }).values).toEqual([Number.NaN]);
  });

  it('LeakyRelu scales negatives by alpha', () => {
    const out = run('LeakyRelu', (be) => ({ x: input(be, [-2, -0.5, 0, 3], [2, 2], 'float64') }), { alpha: 0.2 });
    expect(out).toMatchObject({ shape: [2, 2], values: [-0.4, -0.1, 0, 3] });
  });

  it('Clip clamps into [min, max], also for int32', () => {
    const f = run('Clip', (be) => ({ x: input(be, [-2, 0.5, 3], [3], 'float64') }), { min: -1, max: 1 });
    expect(f.values).toEqual([-1, 0.5, 1]);
    const i = run('Clip', (be) => ({ x: input(be, [-5, 2, 9], [3], 'int32') }), { min: 0, max: 4 });
    expect(i).toMatchObject({ dtype: 'int32', values: [0, 2, 4] });
  });
});

describe('Cast', () => {
  const cast = (values: number[], from: DType, to: DType) =>
    run('Cast', (be) => ({ x: input(be, values, [values.length], from) }), { dtype: to });

  it('truncates floats toward zero into int32, like torch .to(torch.int32)', () => {
    expect(cast([1.9, -1.9, 0.5, -0.5, 3], 'float32', 'int32')).toMatchObject({
      dtype: 'int32',
      values: [1, -1, 0, 0, 3],
    });
    expect(cast([2.999999, -7.5], 'float64', 'int32').values).toEqual([2, -7]);
  });

  it('converts between float widths and from int32, rounding to float32', () => {
    expect(cast([0.1], 'float64', 'float32').values).toEqual([Math.fround(0.1)]);
    expect(cast([Math.fround(0.1)], 'float32', 'float64')).toMatchObject({
      dtype: 'float64',
      values: [Math.fround(0.1)],
    });
    expect(cast([16777217, -3], 'int32', 'float32').values).toEqual([16777216, -3]);
  });

  it('copies into new storage when the dtype does not change, and handles size 0', () => {
    expect(cast([1, 2], 'int32', 'int32')).toMatchObject({ dtype: 'int32', values: [1, 2] });
    expect(cast([], 'float32', 'int32')).toMatchObject({ shape: [0], values: [] });
  });
});
