/** The 0.2 unary kernels (SIMD forms and scalar tails), Cumsum and TopK in wasm agree with the cpu backend. */
import * as nn from '@nn/tensor';
import { randn, type Tensor, tensor } from '@nn/tensor';
import { describe, it } from 'vitest';
import { expectSameAsCpu } from '../test/compare';

const r = (shape: number[], seed: number): Tensor => randn(shape, { seed });
/** 4099 values spread over [-spread/2, spread/2): whole SIMD groups and a scalar tail of 3. */
const range = (spread: number, seed = 3) => nn.mul(nn.sub(nn.rand([4099], { seed }), 0.5), spread);
const edges = () => tensor([0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-8, 40, -40, 1e30, Infinity, -Infinity, Number.NaN]);

describe('0.2 unary kernels match the cpu backend', () => {
  const exactish: Record<string, (x: Tensor) => Tensor> = {
    sign: nn.sign,
    floor: nn.floor,
    ceil: nn.ceil,
    round: nn.round,
    reciprocal: nn.reciprocal,
  };
  for (const [name, op] of Object.entries(exactish)) {
    it(`${name}: exact over a range and the edges, int32 too where it takes it`, async () => {
      await expectSameAsCpu(() => op(range(20)), 0);
      await expectSameAsCpu(() => op(edges()), 0);
      if (name !== 'reciprocal') await expectSameAsCpu(() => op(nn.cast(range(2e4), 'int32')), 0);
    });
  }
  it('rsqrt, sin, cos, log1p, expm1 (f64 scalar path or one extra rounding)', async () => {
    await expectSameAsCpu(() => nn.rsqrt(nn.abs(range(50))), 2e-7);
    for (const op of [nn.sin, nn.cos, nn.expm1]) await expectSameAsCpu(() => op(range(20)), 2e-7);
    await expectSameAsCpu(() => nn.log1p(nn.add(nn.abs(range(10)), -0.999)), 2e-7);
  });
  it('erf, gelu (both forms), silu, elu: SIMD lanes within float32 precision of the f64 reference', async () => {
    for (const spread of [8, 40]) {
      await expectSameAsCpu(() => nn.erf(range(spread)), 3e-7);
      await expectSameAsCpu(() => nn.gelu(range(spread)), 5e-7);
      await expectSameAsCpu(() => nn.gelu(range(spread), { approximate: 'tanh' }), 5e-7);
      await expectSameAsCpu(() => nn.silu(range(spread)), 5e-7);
      await expectSameAsCpu(() => nn.elu(range(spread), 0.7), 5e-7);
    }
    for (const op of [nn.erf, nn.gelu, nn.silu, (x: Tensor) => nn.elu(x)])
      await expectSameAsCpu(() => op(edges()), 5e-7);
  });
  it('softplus with its threshold', async () => {
    await expectSameAsCpu(() => nn.softplus(range(60)), 2e-7);
    await expectSameAsCpu(() => nn.softplus(range(60), { beta: 2, threshold: 5 }), 2e-7);
  });
});

describe('Cumsum and TopK match the cpu backend', () => {
  it('cumsum along each axis, reversed, int32', async () => {
    for (const axis of [0, 1, 2]) {
      await expectSameAsCpu(() => nn.cumsum(r([5, 7, 9], 4), axis), 1e-6);
      await expectSameAsCpu(() => nn.cumsum(r([5, 7, 9], 4), axis, { reverse: true }), 1e-6);
    }
    await expectSameAsCpu(() => nn.cumsum(nn.cast(range(2e9), 'int32').reshape([1, 4099]), 1), 0);
  });
  it('sort, argsort and topk: random rows, ties, NaN, k = 1 and k = n, int32', async () => {
    await expectSameAsCpu(() => nn.sort(r([6, 129], 5)).values, 0);
    await expectSameAsCpu(() => nn.argsort(r([6, 129], 5), { descending: true }), 0);
    await expectSameAsCpu(() => nn.argsort(nn.round(nn.mul(r([3, 200], 6), 2))), 0);
    await expectSameAsCpu(() => nn.argsort(tensor([[Number.NaN, 1, Number.NaN, -Infinity, 1, Infinity]])), 0);
    await expectSameAsCpu(() => nn.topk(r([4, 33], 7), 1).indices, 0);
    await expectSameAsCpu(() => nn.topk(r([4, 33], 7), 33, { largest: false }).indices, 0);
    await expectSameAsCpu(() => nn.topk(nn.cast(nn.mul(r([50, 2], 8), 5), 'int32'), 7, { axis: 0 }).indices, 0);
  });
});
