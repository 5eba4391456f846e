import * as nn from '@nn/tensor';
import { randn, type Tensor, tensor } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { directLimits } from '../src/kernels/conv';
import { expectSameAsCpu } from '../test/compare';

const r = (shape: number[], seed: number): Tensor => randn(shape, { seed });

describe('MatMul matches the cpu backend', () => {
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [17, 33, 9],
    [64, 784, 128],
    [130, 300, 257],
    [5, 600, 3],
  ];
  for (const [m, k, n] of sizes) {
    it(`[${m},${k}] @ [${k},${n}] and every transpose`, async () => {
      const tol = 1e-5 * Math.sqrt(k);
      await expectSameAsCpu(() => nn.matmul(r([m, k], 1), r([k, n], 2)), tol);
      await expectSameAsCpu(() => nn.matmul(r([k, m], 1), r([k, n], 2), { transposeA: true }), tol);
      await expectSameAsCpu(() => nn.matmul(r([m, k], 1), r([n, k], 2), { transposeB: true }), tol);
      await expectSameAsCpu(() => nn.matmul(r([k, m], 1), r([n, k], 2), { transposeA: true, transposeB: true }), tol);
    });
  }
  it('batched, with broadcast batch dims and a shared right-hand matrix', async () => {
    await expectSameAsCpu(() => nn.matmul(r([2, 3, 5, 7], 1), r([3, 7, 4], 2)));
    await expectSameAsCpu(() => nn.matmul(r([4, 6, 9], 1), r([9, 5], 2)));
    await expectSameAsCpu(() => nn.matmul(r([4, 6, 9], 1), r([4, 5, 9], 2), { transposeB: true }));
    await expectSameAsCpu(() => nn.matmul(r([7], 1), r([7, 3], 2)));
  });
  it('a zero-length inner dimension gives zeros', async () => {
    await expectSameAsCpu(() => nn.matmul(nn.zeros([3, 0]), nn.zeros([0, 4])));
  });
});

describe.each([
  ['direct loops where they apply', { ...directLimits, filterGradPixels: 0, inputGradWidth: 0 }],
  ['direct loops, scatter input gradient', { ...directLimits, filterGradPixels: 0, inputGradWidth: Infinity }],
  ['im2col + GEMM only', { patch: -1, channels: -1, filterGradPixels: 0, inputGradWidth: 0 }],
])('Conv2D and its gradients match the cpu backend (%s)', (_, limits) => {
  const saved = { ...directLimits };
  beforeAll(() => {
    Object.assign(directLimits, limits);
  });
  afterAll(() => {
    Object.assign(directLimits, saved);
  });
  const cases = [
    // Direct loops: 7 channels = a block of 4 and one of 3; 21 columns = 16 + a partial chunk of 5.
    { x: [2, 3, 9, 21], w: [7, 3, 3, 3], stride: 1, padding: 1 },
    // One output channel from the 2-channel path, 2 rows x 19 columns.
    { x: [3, 2, 4, 21], w: [1, 2, 3, 3], stride: 1, padding: 0 },
    { x: [2, 3, 9, 8], w: [4, 3, 3, 3], stride: 1, padding: 0 },
    { x: [2, 3, 9, 8], w: [4, 3, 3, 2], stride: 2, padding: 1 },
    { x: [3, 1, 28, 28], w: [6, 1, 5, 5], stride: 1, padding: 2 },
    { x: [2, 6, 14, 14], w: [16, 6, 5, 5], stride: 1, padding: 0 },
    { x: [1, 4, 7, 7], w: [5, 4, 1, 1], stride: 1, padding: 0 },
    { x: [2, 2, 10, 11], w: [3, 2, 3, 3], stride: [3, 2] as const, padding: [2, 1] as const },
    // Kernel wider than the image: some im2col rows lie entirely in the padding.
    { x: [2, 1, 2, 3], w: [2, 1, 7, 7], stride: 1, padding: 3 },
    { x: [2, 3, 5, 9], w: [4, 3, 3, 5], stride: 1, padding: [1, 2] as const },
    // Even kernel, 'same': padding only at the bottom/right for some rows and columns.
    { x: [2, 2, 7, 8], w: [3, 2, 4, 4], stride: 1, padding: 'same' as const },
    // 11 images of 7x7: the direct filter gradient's groups of 8 images and a last one of 3.
    { x: [11, 5, 7, 7], w: [6, 5, 3, 3], stride: 1, padding: 1 },
    // 12 columns = 8 + a last 4, on 7 rows: 3 pairs of rows and a last one; blocks of 4 and 3 channels.
    { x: [2, 3, 7, 12], w: [7, 3, 3, 3], stride: 1, padding: 1 },
  ];
  for (const c of cases) {
    it(`x ${c.x} w ${c.w} stride ${c.stride} padding ${c.padding}`, async () => {
      const options = { stride: c.stride, padding: c.padding };
      await expectSameAsCpu(() => nn.conv2d(r(c.x, 1), r(c.w, 2), options), 1e-4);
      const y = (() => {
        const x = r(c.x, 1);
        return nn.conv2d(x, r(c.w, 2), options);
      })();
      const attrs = nn.conv2dAttrs(r(c.x, 1), r(c.w, 2), options);
      await expectSameAsCpu(
        () => nn.conv2dBackpropInput(r(y.shape as number[], 3), r(c.w, 2), { ...attrs, xShape: c.x }),
        1e-4,
      );
      await expectSameAsCpu(
        () => nn.conv2dBackpropFilter(r(c.x, 1), r(y.shape as number[], 3), { ...attrs, wShape: c.w }),
        1e-4,
      );
    });
  }
});

describe('pooling matches the cpu backend', () => {
  it('2x2 max pool: ties pick the first maximum, NaN wins, in SIMD groups and scalar tails', async () => {
    // Row pairs: ties, a NaN in each window position, -0/+0; 10 columns = one SIMD group of 4 windows + 1.
    const values = [
      [1, 1, 2, 0, 0, 0, Number.NaN, 5, 3, 3],
      [1, 1, 2, 2, 0, Number.NaN, 5, 5, 3, Number.NaN],
      [0, -0, 4, 4, 9, 1, 1, 1, 7, 7],
      [-0, 0, 4, 5, 1, 9, 1, Number.NaN, 7, 7],
    ];
    const options = { kernelSize: 2 };
    const attrs = { kernelSize: [2, 2], stride: [2, 2], padding: [0, 0, 0, 0] } as const;
    const x = () => tensor(values.flat(), [1, 1, 4, 10]);
    await expectSameAsCpu(() => nn.maxPool2d(x(), options));
    await expectSameAsCpu(() => nn.maxPool2dBackward(r([1, 1, 2, 5], 2), x(), attrs));
  });
  const cases = [
    { x: [2, 3, 8, 8], kernelSize: 2, stride: 2, padding: 0 },
    { x: [2, 3, 9, 7], kernelSize: 3, stride: 2, padding: 1 },
    { x: [1, 2, 5, 6], kernelSize: [2, 3] as const, stride: 1, padding: 0 },
    // The dedicated 2x2 stride-2 kernel: SIMD groups of four windows, a scalar tail, odd trailing row/column.
    { x: [2, 3, 11, 21], kernelSize: 2, stride: 2, padding: 0 },
    { x: [1, 2, 28, 28], kernelSize: 2, stride: 2, padding: 0 },
  ];
  for (const c of cases) {
    it(`x ${c.x} kernel ${c.kernelSize} stride ${c.stride} padding ${c.padding}`, async () => {
      const options = { kernelSize: c.kernelSize, stride: c.stride, padding: c.padding };
      await expectSameAsCpu(() => nn.maxPool2d(r(c.x, 1), options));
      await expectSameAsCpu(() => nn.avgPool2d(r(c.x, 1), options));
      const outShape = nn.maxPool2d(r(c.x, 1), options).shape as number[];
      const pair = (v: number | readonly [number, number]) => (typeof v === 'number' ? ([v, v] as const) : v);
      const [kh, kw] = pair(c.kernelSize);
      const attrs = {
        kernelSize: [kh, kw] as const,
        stride: pair(c.stride),
        padding: [c.padding, c.padding, c.padding, c.padding] as const,
      };
      await expectSameAsCpu(() => nn.maxPool2dBackward(r(outShape, 2), r(c.x, 1), attrs));
      await expectSameAsCpu(() => nn.avgPool2dBackward(r(outShape, 2), { ...attrs, xShape: c.x }));
    });
  }
});

describe('elementwise kernels match the cpu backend', () => {
  const binaries = {
    add: nn.add,
    sub: nn.sub,
    mul: nn.mul,
    div: nn.div,
    maximum: nn.maximum,
    minimum: nn.minimum,
    equal: nn.equal,
    greater: nn.greater,
    less: nn.less,
  };
  const shapes: [number[], number[]][] = [
    [
      [5, 7],
      [5, 7],
    ],
    [[64, 10], [10]],
    [
      [2, 3, 4, 5],
      [1, 3, 1, 1],
    ],
    [
      [6, 1],
      [1, 9],
    ],
    [[3, 4], []],
    [[], [3, 4]],
    [
      [2, 1, 3],
      [4, 1],
    ],
    [[1031], [1031]],
  ];
  for (const [name, op] of Object.entries(binaries)) {
    it(name, async () => {
      for (const [aShape, bShape] of shapes) {
        await expectSameAsCpu(() => op(r(aShape, 1), r(bShape, 2)));
      }
      // Equal values must compare equal.
      await expectSameAsCpu(() => op(r([4, 4], 1), r([4, 4], 1)));
    });
  }
  it('pow of positive bases', async () => {
    await expectSameAsCpu(() => nn.pow(nn.abs(r([5, 6], 1)), r([6], 2)), 1e-5);
  });
  it('where with float and int32 conditions', async () => {
    await expectSameAsCpu(() => nn.where(nn.greater(r([4, 5], 1), 0), r([4, 5], 2), r([5], 3)));
    await expectSameAsCpu(() => nn.where(tensor([1, 0, 2], undefined, 'int32'), r([2, 3], 2), r([2, 3], 3)));
    // Contiguous/scalar operands take the SIMD path (ReLU's gradient), with a NaN condition counting as true.
    await expectSameAsCpu(() => nn.where(nn.greater(r([103], 1), 0), r([103], 2), 0));
    await expectSameAsCpu(() => nn.where(tensor([Number.NaN, 0, 1, 0, 2, 0]), 1, r([6], 3)));
    await expectSameAsCpu(() => nn.where(tensor([1, 0, 3, 0, 5, 0, 0], undefined, 'int32'), r([7], 2), r([7], 3)));
  });
  const unaries = {
    neg: nn.neg,
    exp: nn.exp,
    abs: nn.abs,
    square: nn.square,
    relu: nn.relu,
    sigmoid: nn.sigmoid,
    tanh: nn.tanh,
  };
  for (const [name, op] of Object.entries(unaries)) {
    it(name, async () => {
      await expectSameAsCpu(() => op(nn.mul(r([7, 13], 1), 4)), 2e-6);
    });
  }
  it('SIMD exp and sigmoid: within a few ulp over the whole range, overflow, underflow, NaN', async () => {
    const range = () => nn.mul(nn.sub(nn.rand([4099], { seed: 3 }), 0.5), 220);
    const edges = () =>
      tensor([0, -0, 88.7, 88.72, 88.73, 89, -87.3, -87.4, -103, -104, Infinity, -Infinity, Number.NaN, 1e-8, 10.25]);
    for (const op of [nn.exp, nn.sigmoid]) {
      await expectSameAsCpu(() => op(range()), 3e-7);
      await expectSameAsCpu(() => op(edges()), 3e-7);
    }
  });
  it('log and sqrt of positive values, leakyRelu, clip', async () => {
    await expectSameAsCpu(() => nn.log(nn.abs(r([50], 1))), 2e-6);
    await expectSameAsCpu(() => nn.sqrt(nn.abs(r([50], 1))), 2e-6);
    await expectSameAsCpu(() => nn.leakyRelu(r([50], 1), 0.2));
    await expectSameAsCpu(() => nn.clip(r([50], 1), -0.5, 0.7));
  });
  it('NaN propagates like the reference', async () => {
    await expectSameAsCpu(() => nn.relu(tensor([Number.NaN, -1, 2, -0])));
    await expectSameAsCpu(() => nn.maximum(tensor([Number.NaN, 1, 2, 3, 4]), tensor([0, Number.NaN, 1, 5, 4])));
  });
  it('cast both ways, truncating toward zero', async () => {
    await expectSameAsCpu(() => nn.cast(tensor([-2.7, -0.5, 0.5, 2.7, 3e9, -3e9, Number.NaN, 7]), 'int32'));
    await expectSameAsCpu(() => nn.cast(tensor([-3, 0, 5, 2147483647], undefined, 'int32'), 'float32'));
  });
  it('int32 arithmetic (reference path over wasm storage)', async () => {
    await expectSameAsCpu(() => nn.add(tensor([1, 2, 3], undefined, 'int32'), tensor([4, 5, 6], undefined, 'int32')));
    await expectSameAsCpu(() =>
      nn.sum(
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          undefined,
          'int32',
        ),
        0,
      ),
    );
  });
});

describe('reductions match the cpu backend', () => {
  const cases: [number[], number[]][] = [
    [[5, 7], [1]],
    [[64, 10], [0]],
    [
      [2, 3, 4, 5],
      [0, 2, 3],
    ],
    [
      [2, 3, 4, 5],
      [1, 2],
    ],
    [
      [2, 3, 4, 5],
      [0, 1, 2, 3],
    ],
    [[3, 1001], [1]],
  ];
  for (const [shape, axes] of cases) {
    it(`sum/max/min of ${shape} over ${axes}`, async () => {
      await expectSameAsCpu(() => nn.sum(r(shape, 1), axes), 1e-5);
      await expectSameAsCpu(() => nn.max(r(shape, 1), axes));
      await expectSameAsCpu(() => nn.min(r(shape, 1), axes));
    });
  }
  it('sum over an empty axis is 0', async () => {
    await expectSameAsCpu(() => nn.sum(r([4, 0, 3], 1), [1]));
  });
  it('argmax along each axis', async () => {
    for (const axis of [0, 1, 2]) await expectSameAsCpu(() => nn.argmax(r([3, 4, 5], 1), axis));
  });
  it('softmax cross-entropy and softmax', async () => {
    await expectSameAsCpu(() => nn.softmaxCrossEntropy(r([8, 10], 1), nn.softmax(r([8, 10], 2))), 1e-5);
    await expectSameAsCpu(() => nn.logSoftmax(r([8, 10], 1)), 1e-5);
  });
});

describe('attention without a mask matches the cpu backend', () => {
  // L = 37: causal blocks of 16, 16 and 5 query rows, so blocks score 16, 32 and 37 keys (a partial vector of
  // four keys and a scalar tail); S = 7 without the causal mask: one vector and a tail of 3.
  const cases = [
    { L: 37, S: 37, E: 5, Ev: 6, causal: true },
    { L: 64, S: 64, E: 32, Ev: 32, causal: true },
    { L: 9, S: 7, E: 3, Ev: 5, causal: false },
  ];
  for (const { L, S, E, Ev, causal } of cases) {
    const inputs = () => [r([2, 3, L, E], 1), r([2, 3, S, E], 2), r([2, 3, S, Ev], 3)] as const;
    it(`[2, 3, ${L}, ${E}] queries, ${S} keys, ${causal ? 'causal' : 'no mask'}: output and gradients`, async () => {
      await expectSameAsCpu(() => nn.scaledDotProductAttention(...inputs(), { isCausal: causal }), 1e-5);
      await expectSameAsCpu(() => {
        const [q, k, v] = inputs();
        const grads = engine.runKernelMulti(
          'AttentionBackward',
          { dy: r([2, 3, L, Ev], 4), q, k, v },
          {
            scale: 0.3,
            causal,
          },
        );
        return nn.concat(
          grads.map((g) => g.reshape([-1])),
          0,
        );
      }, 1e-5);
    });
  }
});

describe('data movement matches the cpu backend', () => {
  it('transpose, slice, concat, pad, broadcastTo, gather, oneHot, scatterAdd, reshape', async () => {
    await expectSameAsCpu(() => nn.transpose(r([37, 45], 1)));
    await expectSameAsCpu(() => nn.transpose(r([2, 3, 4, 5], 1), [0, 2, 3, 1]));
    await expectSameAsCpu(() => nn.slice(r([5, 6, 7], 1), [1, 2, 3], [3, -1, 2]));
    await expectSameAsCpu(() => nn.concat([r([2, 3, 4], 1), r([2, 5, 4], 2)], 1));
    await expectSameAsCpu(() =>
      nn.pad(
        r([2, 3], 1),
        [
          [1, 2],
          [0, 3],
        ],
        1.5,
      ),
    );
    await expectSameAsCpu(() => nn.broadcastTo(r([3, 1], 1), [2, 3, 4]));
    await expectSameAsCpu(() => nn.gather(r([5, 4], 1), tensor([4, 0, 2, 2], undefined, 'int32'), 0));
    await expectSameAsCpu(() => nn.gather(r([5, 4], 1), tensor([3, 1], undefined, 'int32'), 1));
    await expectSameAsCpu(() => nn.oneHot(tensor([3, 0, 9], undefined, 'int32'), 10));
    await expectSameAsCpu(() => nn.scatterAdd(r([4, 3], 1), tensor([1, 0, 1, 4], undefined, 'int32'), 0, 5));
    await expectSameAsCpu(() => nn.reshape(nn.add(r([4, 6], 1), 1), [3, 8]));
  });
});

describe('data movement (strided copies and transposes in wasm) matches the cpu backend', () => {
  const ints = (shape: number[]) => nn.cast(nn.mul(r(shape, 5), 100), 'int32');
  it('transpose: matrices, batched matrices, any permutation, int32', async () => {
    await expectSameAsCpu(() => nn.transpose(r([37, 53], 1)));
    await expectSameAsCpu(() => nn.transpose(r([3, 17, 9], 1), [0, 2, 1]));
    await expectSameAsCpu(() => nn.transpose(r([2, 3, 4, 5], 1), [3, 1, 0, 2]));
    await expectSameAsCpu(() => nn.transpose(r([4, 1, 6], 1), [2, 0, 1]));
    await expectSameAsCpu(() => nn.transpose(ints([9, 11])));
    await expectSameAsCpu(() => nn.transpose(r([0, 3], 1)));
  });
  it('broadcastTo, slice, pad, concat', async () => {
    await expectSameAsCpu(() => nn.broadcastTo(r([7, 1], 1), [5, 7, 9]));
    await expectSameAsCpu(() => nn.broadcastTo(r([33], 1), [6, 33]));
    await expectSameAsCpu(() => nn.broadcastTo(ints([1, 3, 1]), [2, 3, 4]));
    await expectSameAsCpu(() => nn.slice(r([7, 9, 11], 1), [1, 2, 3], [5, -1, 6]));
    await expectSameAsCpu(() => nn.slice(ints([7, 9]), [2, 0], [3, 9]));
    await expectSameAsCpu(() =>
      nn.pad(r([3, 5, 6], 1), [
        [1, 0],
        [2, 3],
        [0, 4],
      ]),
    );
    await expectSameAsCpu(() => nn.concat([r([3, 4, 5], 1), r([3, 2, 5], 2), r([3, 0, 5], 3)], 1));
    await expectSameAsCpu(() => nn.concat([r([2, 9], 1), r([2, 9], 2)], 0));
    await expectSameAsCpu(() => nn.concat([ints([4, 3]), ints([4, 1])], 1));
  });
});
