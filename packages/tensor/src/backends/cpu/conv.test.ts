import { describe, expect, it } from 'vitest';
import type { Conv2DAttrs } from '../../kernels/contract';
import { windowOutputSize } from '../../kernels/geometry';
import type { DType, Shape } from '../../types';
import { sizeOf } from '../../util/shape';
import { expectClose, input, randomInt, randomValues, rng, run } from './test-utils';

interface Case {
  xShape: number[];
  wShape: number[];
  attrs: Conv2DAttrs;
}

/** Direct seven-loop convolution; padding reads as zero, output channel o reads its group's input channels. */
function naiveConv(x: number[], { xShape, wShape, attrs }: Case) {
  const [N, C, H, W] = xShape as [number, number, number, number];
  const [O, Cg, kH, kW] = wShape as [number, number, number, number];
  const [sH, sW] = attrs.stride;
  const [dH, dW] = attrs.dilation;
  const [pt, pb, pl, pr] = attrs.padding;
  const [oH, oW] = [
    windowOutputSize(H, dH * (kH - 1) + 1, sH, pt, pb),
    windowOutputSize(W, dW * (kW - 1) + 1, sW, pl, pr),
  ];
  return {
    outShape: [N, O, oH, oW],
    at: (w: number[], n: number, o: number, oh: number, ow: number) => {
      let sum = 0;
      const first = Math.floor(o / (O / attrs.groups)) * Cg;
      for (let c = 0; c < Cg; c++) {
        for (let ki = 0; ki < kH; ki++) {
          for (let kj = 0; kj < kW; kj++) {
            const [ih, iw] = [oh * sH - pt + ki * dH, ow * sW - pl + kj * dW];
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            sum += x[((n * C + first + c) * H + ih) * W + iw]! * w[((o * Cg + c) * kH + ki) * kW + kj]!;
          }
        }
      }
      return sum;
    },
  };
}

function naiveForward(x: number[], w: number[], c: Case): { shape: number[]; values: number[] } {
  const { outShape, at } = naiveConv(x, c);
  const [N, O, oH, oW] = outShape as [number, number, number, number];
  const values: number[] = [];
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) values.push(at(w, n, o, oh, ow));
  return { shape: outShape, values };
}

const plain = { dilation: [1, 1], groups: 1 } as const;

/**
 * Random geometry: kernel up to 3x4, stride up to 3, dilation up to 2, 1-3 groups of 1-2 input and 1-2 output
 * channels, independent paddings smaller than the kernel.
 */
function randomCase(random: () => number): Case {
  const kH = randomInt(random, 1, 3);
  const kW = randomInt(random, 1, 4);
  const dilation: [number, number] = [randomInt(random, 1, 2), randomInt(random, 1, 2)];
  const [eH, eW] = [dilation[0] * (kH - 1) + 1, dilation[1] * (kW - 1) + 1];
  const pad = [
    randomInt(random, 0, kH - 1),
    randomInt(random, 0, kH - 1),
    randomInt(random, 0, kW - 1),
    randomInt(random, 0, kW - 1),
  ] as const;
  const H = randomInt(random, Math.max(1, eH - pad[0] - pad[1]), 7);
  const W = randomInt(random, Math.max(1, eW - pad[2] - pad[3]), 7);
  const groups = randomInt(random, 1, 3);
  const C = randomInt(random, 1, 2);
  return {
    xShape: [randomInt(random, 1, 3), C * groups, H, W],
    wShape: [randomInt(random, 1, 2) * groups, C, kH, kW],
    attrs: { stride: [randomInt(random, 1, 3), randomInt(random, 1, 3)], padding: pad, dilation, groups },
  };
}

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe('Conv2D', () => {
  it('computes a hand-checked 3x3 image with a 2x2 kernel', () => {
    const out = run(
      'Conv2D',
      (be) => ({ x: input(be, [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]), w: input(be, [1, 0, 0, -1], [1, 1, 2, 2]) }),
      { stride: [1, 1], padding: [0, 0, 0, 0], ...plain },
    );
    expect(out).toMatchObject({ shape: [1, 1, 2, 2], values: [-4, -4, -4, -4] });
  });

  it('matches direct convolution on random shapes, strides, dilations, groups and asymmetric paddings', () => {
    const random = rng(21);
    for (let trial = 0; trial < 40; trial++) {
      const c = randomCase(random);
      const dtype: DType = trial % 2 === 0 ? 'float64' : 'float32';
      const x = randomValues(random, sizeOf(c.xShape), dtype);
      const w = randomValues(random, sizeOf(c.wShape), dtype);
      const out = run(
        'Conv2D',
        (be) => ({ x: input(be, x, c.xShape, dtype), w: input(be, w, c.wShape, dtype) }),
        c.attrs,
      );
      const expected = naiveForward(x, w, c);
      expect(out.shape).toEqual(expected.shape);
      expect(out.dtype).toBe(dtype);
      expectClose(out.values, expected.values, dtype === 'float64' ? 1e-12 : 1e-5);
    }
  });

  it('takes the pointwise (1x1) shortcut correctly', () => {
    const c: Case = {
      xShape: [2, 3, 2, 2],
      wShape: [4, 3, 1, 1],
      attrs: { stride: [1, 1], padding: [0, 0, 0, 0], ...plain },
    };
    const x = randomValues(rng(1), 24, 'float64');
    const w = randomValues(rng(2), 12, 'float64');
    const out = run(
      'Conv2D',
      (be) => ({ x: input(be, x, c.xShape, 'float64'), w: input(be, w, c.wShape, 'float64') }),
      c.attrs,
    );
    expectClose(out.values, naiveForward(x, w, c).values, 1e-12);
    const grouped: Case = { xShape: [2, 4, 2, 2], wShape: [6, 2, 1, 1], attrs: { ...c.attrs, groups: 2 } };
    const xg = randomValues(rng(3), 32, 'float64');
    const outG = run(
      'Conv2D',
      (be) => ({ x: input(be, xg, grouped.xShape, 'float64'), w: input(be, w, grouped.wShape, 'float64') }),
      grouped.attrs,
    );
    expectClose(outG.values, naiveForward(xg, w, grouped).values, 1e-12);
  });

  it('handles an empty batch and zero channels', () => {
    const attrs: Conv2DAttrs = { stride: [1, 1], padding: [1, 1, 1, 1], ...plain };
    const empty = run(
      'Conv2D',
      (be) => ({ x: input(be, [], [0, 2, 3, 3]), w: input(be, new Array(36).fill(1), [2, 2, 3, 3]) }),
      attrs,
    );
    expect(empty).toMatchObject({ shape: [0, 2, 3, 3], values: [] });
    const noChannels = run(
      'Conv2D',
      (be) => ({ x: input(be, [], [1, 0, 2, 2]), w: input(be, [], [1, 0, 3, 3]) }),
      attrs,
    );
    expect(noChannels).toMatchObject({ shape: [1, 1, 2, 2], values: [0, 0, 0, 0] });
  });
});

describe('Conv2D backward kernels', () => {
  // Conv2D is linear in x and in w, so each gradient kernel must be the adjoint of the forward map:
  // <conv(x, w), dy> = <x, backpropInput(dy, w)> = <w, backpropFilter(x, dy)>.
  it('are the adjoints of the forward convolution on random geometries', () => {
    const random = rng(33);
    for (let trial = 0; trial < 40; trial++) {
      const c = randomCase(random);
      const x = randomValues(random, sizeOf(c.xShape), 'float64');
      const w = randomValues(random, sizeOf(c.wShape), 'float64');
      const y = naiveForward(x, w, c);
      const dy = randomValues(random, y.values.length, 'float64');
      const dx = run(
        'Conv2DBackpropInput',
        (be) => ({ dy: input(be, dy, y.shape, 'float64'), w: input(be, w, c.wShape, 'float64') }),
        {
          ...c.attrs,
          xShape: c.xShape,
        },
      );
      const dw = run(
        'Conv2DBackpropFilter',
        (be) => ({ x: input(be, x, c.xShape, 'float64'), dy: input(be, dy, y.shape, 'float64') }),
        {
          ...c.attrs,
          wShape: c.wShape,
        },
      );
      expect(dx.shape).toEqual(c.xShape);
      expect(dw.shape).toEqual(c.wShape);
      const forward = dot(y.values, dy);
      expect(dot(x, dx.values)).toBeCloseTo(forward, 10);
      expect(dot(w, dw.values)).toBeCloseTo(forward, 10);
    }
  });

  it('match explicit gradient formulas on a small float32 case', () => {
    // x [1,1,3,3], w [1,1,2,2], stride 1, no padding: dw[ki,kj] = sum dy[oh,ow] x[oh+ki, ow+kj].
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const dy = [1, 0, 0, 1];
    const attrs: Conv2DAttrs = { stride: [1, 1], padding: [0, 0, 0, 0], ...plain };
    const dw = run(
      'Conv2DBackpropFilter',
      (be) => ({ x: input(be, x, [1, 1, 3, 3]), dy: input(be, dy, [1, 1, 2, 2]) }),
      {
        ...attrs,
        wShape: [1, 1, 2, 2],
      },
    );
    expect(dw.values).toEqual([1 + 5, 2 + 6, 4 + 8, 5 + 9]);
    const dx = run(
      'Conv2DBackpropInput',
      (be) => ({ dy: input(be, dy, [1, 1, 2, 2]), w: input(be, [1, 2, 3, 4], [1, 1, 2, 2]) }),
      {
        ...attrs,
        xShape: [1, 1, 3, 3],
      },
    );
    expect(dx.values).toEqual([1, 2, 0, 3, 4 + 1, 2, 0, 3, 4]);
  });

  it('handle the pointwise shortcut and empty batches', () => {
    const c: Case = {
      xShape: [2, 3, 2, 2],
      wShape: [4, 3, 1, 1],
      attrs: { stride: [1, 1], padding: [0, 0, 0, 0], ...plain },
    };
    const x = randomValues(rng(4), 24, 'float64');
    const w = randomValues(rng(5), 12, 'float64');
    const y = naiveForward(x, w, c);
    const dy = randomValues(rng(6), y.values.length, 'float64');
    const dx = run(
      'Conv2DBackpropInput',
      (be) => ({ dy: input(be, dy, y.shape, 'float64'), w: input(be, w, c.wShape, 'float64') }),
      {
        ...c.attrs,
        xShape: c.xShape,
      },
    );
    expect(dot(x, dx.values)).toBeCloseTo(dot(y.values, dy), 12);
    const emptyShape: Shape = [0, 3, 2, 2];
    const dw = run(
      'Conv2DBackpropFilter',
      (be) => ({ x: input(be, [], emptyShape), dy: input(be, [], [0, 4, 2, 2]) }),
      {
        ...c.attrs,
        wShape: c.wShape,
      },
    );
    expect(dw).toMatchObject({ shape: c.wShape, values: new Array(12).fill(0) });
  });
});
