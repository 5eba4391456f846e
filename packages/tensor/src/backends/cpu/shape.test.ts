import { describe, expect, it } from 'vitest';
import type { Shape } from '../../types';
import { sizeOf, stridesOf } from '../../util/shape';
import { CpuBackend } from './backend';
import { cpuKernels } from './kernels';
import { input, randomInt, randomValues, rng, run } from './test-utils';

type Make = Parameters<Parameters<typeof run>[1]>[0];

/** Multi-index of `flat` in a row-major `shape`. */
function unravel(flat: number, shape: Shape): number[] {
  const strides = stridesOf(shape);
  return shape.map((d, axis) => Math.floor(flat / strides[axis]!) % d);
}

function ravel(index: readonly number[], shape: Shape): number {
  const strides = stridesOf(shape);
  return index.reduce((sum, i, axis) => sum + i * strides[axis]!, 0);
}

function iota(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe('Reshape', () => {
  it('shares the input storage under the new shape', () => {
    const backend = new CpuBackend();
    const x = input(backend, [1, 2, 3, 4, 5, 6], [2, 3]);
    const out = cpuKernels.Reshape({
      inputs: { x },
      attrs: { shape: [3, 2] },
      outputs: [{ shape: [3, 2], dtype: 'float32' }],
      backend,
    });
    expect(out).toMatchObject({ dataId: x.dataId, shape: [3, 2], dtype: 'float32' });
    expect(backend.numDataIds()).toBe(1);
  });
});

describe('BroadcastTo', () => {
  it('repeats size-1 and missing axes', () => {
    expect(run('BroadcastTo', (be) => ({ x: input(be, [1, 2], [2, 1]) }), { shape: [2, 2, 3] })).toMatchObject({
      shape: [2, 2, 3],
      values: [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2],
    });
    expect(run('BroadcastTo', (be) => ({ x: input(be, [7], [], 'int32') }), { shape: [3] }).values).toEqual([7, 7, 7]);
    expect(run('BroadcastTo', (be) => ({ x: input(be, [1, 2, 3], [3]) }), { shape: [0, 3] }).values).toEqual([]);
  });
});

describe('Transpose', () => {
  it('matches an index-permuting reference for every permutation of random rank-1..4 shapes', () => {
    const random = rng(3);
    const permutations = (n: number): number[][] =>
      n === 0 ? [[]] : permutations(n - 1).flatMap((p) => iota(n).map((i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
    for (let rank = 1; rank <= 4; rank++) {
      const shape = Array.from({ length: rank }, () => randomInt(random, 1, 4));
      if (rank === 3) shape[1] = 0;
      const x = iota(sizeOf(shape));
      for (const perm of permutations(rank)) {
        const out = run('Transpose', (be) => ({ x: input(be, x, shape, 'int32') }), { perm });
        const outShape = perm.map((a) => shape[a]!);
        const expected = iota(sizeOf(outShape)).map((flat) => {
          const index = unravel(flat, outShape);
          const source = new Array<number>(rank);
          perm.forEach((a, i) => {
            source[a] = index[i]!;
          });
          return x[ravel(source, shape)]!;
        });
        expect(out.shape).toEqual(outShape);
        expect(out.values).toEqual(expected);
      }
    }
  });

  it('transposes matrices larger than one tile with ragged edges', () => {
    const [rows, cols] = [37, 70];
    const x = randomValues(rng(1), rows * cols, 'float64');
    const out = run('Transpose', (be) => ({ x: input(be, x, [rows, cols], 'float64') }), { perm: [1, 0] });
    expect(out.shape).toEqual([cols, rows]);
    expect(out.values).toEqual(iota(rows * cols).map((flat) => x[(flat % rows) * cols + Math.floor(flat / rows)]!));
  });
});

describe('Slice', () => {
  it('copies the requested window', () => {
    const x = (be: Make) => ({ x: input(be, iota(24), [2, 3, 4]) });
    expect(run('Slice', x, { begin: [1, 1, 1], size: [1, 2, 2] })).toMatchObject({
      shape: [1, 2, 2],
      values: [17, 18, 21, 22],
    });
    expect(run('Slice', x, { begin: [0, 2, 0], size: [2, 1, 4] }).values).toEqual([8, 9, 10, 11, 20, 21, 22, 23]);
    expect(run('Slice', x, { begin: [0, 0, 4], size: [2, 3, 0] })).toMatchObject({ shape: [2, 3, 0], values: [] });
    expect(run('Slice', (be) => ({ x: input(be, [5], []) }), { begin: [], size: [] }).values).toEqual([5]);
  });
});

describe('Concat', () => {
  it('joins along any axis, skipping empty inputs', () => {
    const make = (be: Make) => ({
      tensors: [input(be, [1, 2, 3, 4], [2, 2]), input(be, [], [2, 0]), input(be, [5, 6], [2, 1])],
    });
    expect(run('Concat', make, { axis: 1 })).toMatchObject({ shape: [2, 3], values: [1, 2, 5, 3, 4, 6] });
    const rows = (be: Make) => ({
      tensors: [input(be, [1, 2], [1, 2], 'int32'), input(be, [3, 4, 5, 6], [2, 2], 'int32')],
    });
    expect(run('Concat', rows, { axis: 0 })).toMatchObject({
      shape: [3, 2],
      dtype: 'int32',
      values: [1, 2, 3, 4, 5, 6],
    });
    expect(run('Concat', (be) => ({ tensors: [input(be, [1], [1])] }), { axis: 0 }).values).toEqual([1]);
  });
});

describe('Pad', () => {
  it('surrounds the input with the constant on every axis', () => {
    const out = run('Pad', (be) => ({ x: input(be, [1, 2, 3, 4], [2, 2]) }), {
      paddings: [
        [1, 0],
        [0, 2],
      ],
      value: -1,
    });
    expect(out).toMatchObject({ shape: [3, 4], values: [-1, -1, -1, -1, 1, 2, -1, -1, 3, 4, -1, -1] });
  });

  it('pads rank-3, size-0 and rank-0 inputs', () => {
    const out = run('Pad', (be) => ({ x: input(be, iota(4), [2, 1, 2], 'int32') }), {
      paddings: [
        [0, 1],
        [1, 0],
        [0, 0],
      ],
      value: 9,
    });
    expect(out).toMatchObject({ shape: [3, 2, 2], values: [9, 9, 0, 1, 9, 9, 2, 3, 9, 9, 9, 9] });
    const empty = run('Pad', (be) => ({ x: input(be, [], [0, 2]) }), {
      paddings: [
        [1, 1],
        [0, 0],
      ],
      value: 0,
    });
    expect(empty).toMatchObject({ shape: [2, 2], values: [0, 0, 0, 0] });
    expect(run('Pad', (be) => ({ x: input(be, [3], []) }), { paddings: [], value: 0 }).values).toEqual([3]);
  });
});
