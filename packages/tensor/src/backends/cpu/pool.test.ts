import { describe, expect, it } from 'vitest';
import type { Pool2DAttrs } from '../../kernels/contract';
import { windowOutputSize } from '../../kernels/geometry';
import { sizeOf } from '../../util/shape';
import { expectClose, input, randomInt, randomValues, rng, run } from './test-utils';

/** Direct pooling with explicit padding cells (-Infinity for max, 0 for avg), as the reference. */
function naivePool(x: number[], xShape: number[], attrs: Pool2DAttrs, kind: 'max' | 'avg') {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [kH, kW] = attrs.kernelSize;
  const [sH, sW] = attrs.stride;
  const [pt, pb, pl, pr] = attrs.padding;
  const [oH, oW] = [windowOutputSize(H, kH, sH, pt, pb), windowOutputSize(W, kW, sW, pl, pr)];
  const values: number[] = [];
  const argmax: number[] = [];
  for (let p = 0; p < N * C; p++) {
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++) {
        let best = Number.NEGATIVE_INFINITY;
        let at = -1;
        let sum = 0;
        for (let ki = 0; ki < kH; ki++) {
          for (let kj = 0; kj < kW; kj++) {
            const [ih, iw] = [oh * sH - pt + ki, ow * sW - pl + kj];
            const inside = ih >= 0 && ih < H && iw >= 0 && iw < W;
            const v = inside ? x[(p * H + ih) * W + iw]! : kind === 'max' ? Number.NEGATIVE_INFINITY : 0;
            sum += v;
            if (inside && (at < 0 || v > best)) [best, at] = [v, (p * H + ih) * W + iw];
          }
        }
        values.push(kind === 'max' ? best : sum / (kH * kW));
        argmax.push(at);
      }
    }
  }
  return { shape: [N, C, oH, oW], values, argmax };
}

function randomPool(random: () => number) {
  const kernelSize = [randomInt(random, 1, 3), randomInt(random, 1, 3)] as const;
  const padding = [
    randomInt(random, 0, Math.floor(kernelSize[0] / 2)),
    randomInt(random, 0, Math.floor(kernelSize[0] / 2)),
    randomInt(random, 0, Math.floor(kernelSize[1] / 2)),
    randomInt(random, 0, Math.floor(kernelSize[1] / 2)),
  ] as const;
  const attrs: Pool2DAttrs = { kernelSize, stride: [randomInt(random, 1, 3), randomInt(random, 1, 3)], padding };
  const xShape = [
    randomInt(random, 1, 2),
    randomInt(random, 1, 3),
    randomInt(random, kernelSize[0], 6),
    randomInt(random, kernelSize[1], 6),
  ];
  return { attrs, xShape };
}

describe('MaxPool2D and its backward', () => {
  it('pools a hand-checked 4x4 image with a 2x2 window', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    const attrs: Pool2DAttrs = { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0] };
    expect(run('MaxPool2D', (be) => ({ x: input(be, x, [1, 1, 4, 4]) }), attrs)).toMatchObject({
      shape: [1, 1, 2, 2],
      values: [6, 8, 14, 16],
    });
  });

  it('match the naive reference on random geometries; the gradient goes to the first maximum only', () => {
    const random = rng(17);
    for (let trial = 0; trial < 40; trial++) {
      const { attrs, xShape } = randomPool(random);
      // Integers make ties common, so "first maximum" matters.
      const x = randomValues(random, sizeOf(xShape), 'int32');
      const dtype = trial % 2 === 0 ? 'float32' : 'float64';
      const expected = naivePool(x, xShape, attrs, 'max');
      const out = run('MaxPool2D', (be) => ({ x: input(be, x, xShape, dtype) }), attrs);
      expect(out.shape).toEqual(expected.shape);
      expect(out.values).toEqual(expected.values);
      const dy = randomValues(random, expected.values.length, 'float64');
      const dx = run(
        'MaxPool2DBackward',
        (be) => ({ dy: input(be, dy, expected.shape, 'float64'), x: input(be, x, xShape, 'float64') }),
        attrs,
      );
      const expectedDx = new Array<number>(x.length).fill(0);
      expected.argmax.forEach((at, o) => {
        expectedDx[at] = expectedDx[at]! + dy[o]!;
      });
      expect(dx.shape).toEqual(xShape);
      expectClose(dx.values, expectedDx, 1e-14);
    }
  });

  it('propagates NaN and routes its gradient to the NaN', () => {
    const attrs: Pool2DAttrs = { kernelSize: [1, 3], stride: [1, 3], padding: [0, 0, 0, 0] };
    const x = [1, Number.NaN, 5];
    expect(run('MaxPool2D', (be) => ({ x: input(be, x, [1, 1, 1, 3]) }), attrs).values).toEqual([Number.NaN]);
    const dx = run(
      'MaxPool2DBackward',
      (be) => ({ dy: input(be, [2], [1, 1, 1, 1]), x: input(be, x, [1, 1, 1, 3]) }),
      attrs,
    );
    expect(dx.values).toEqual([0, 2, 0]);
  });

  it('handles empty batches', () => {
    const attrs: Pool2DAttrs = { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0] };
    expect(run('MaxPool2D', (be) => ({ x: input(be, [], [0, 3, 4, 4]) }), attrs)).toMatchObject({
      shape: [0, 3, 2, 2],
      values: [],
    });
  });
});

describe('AvgPool2D and its backward', () => {
  it('divides by the full window, padding included (count_include_pad=True)', () => {
    const attrs: Pool2DAttrs = { kernelSize: [2, 2], stride: [2, 2], padding: [1, 1, 1, 1] };
    const out = run('AvgPool2D', (be) => ({ x: input(be, [1, 2, 3, 4], [1, 1, 2, 2], 'float64') }), attrs);
    expect(out).toMatchObject({ shape: [1, 1, 2, 2], values: [0.25, 0.5, 0.75, 1] });
  });

  it('match the reference on random geometries, and the backward is the adjoint of the forward', () => {
    const random = rng(19);
    for (let trial = 0; trial < 40; trial++) {
      const { attrs, xShape } = randomPool(random);
      const x = randomValues(random, sizeOf(xShape), 'float64');
      const expected = naivePool(x, xShape, attrs, 'avg');
      const out = run('AvgPool2D', (be) => ({ x: input(be, x, xShape, 'float64') }), attrs);
      expect(out.shape).toEqual(expected.shape);
      expectClose(out.values, expected.values, 1e-14);
      const dy = randomValues(random, expected.values.length, 'float64');
      const dx = run('AvgPool2DBackward', (be) => ({ dy: input(be, dy, expected.shape, 'float64') }), {
        ...attrs,
        xShape,
      });
      expect(dx.shape).toEqual(xShape);
      const lhs = expected.values.reduce((s, v, i) => s + v * dy[i]!, 0);
      const rhs = x.reduce((s, v, i) => s + v * dx.values[i]!, 0);
      expect(rhs).toBeCloseTo(lhs, 12);
    }
  });

  it('keeps float32 in float32', () => {
    const attrs: Pool2DAttrs = { kernelSize: [1, 2], stride: [1, 2], padding: [0, 0, 0, 0] };
    const out = run('AvgPool2D', (be) => ({ x: input(be, [0.1, 0.2], [1, 1, 1, 2]) }), attrs);
    expect(out.dtype).toBe('float32');
    expect(out.values[0]).toBe(Math.fround((Math.fround(0.1) + Math.fround(0.2)) / 2));
    const dx = run('AvgPool2DBackward', (be) => ({ dy: input(be, [1], [1, 1, 1, 1]) }), {
      ...attrs,
      xShape: [1, 1, 1, 2],
    });
    expect(dx).toMatchObject({ dtype: 'float32', values: [0.5, 0.5] });
  });
});
