import * as nn from '@nn/tensor';
import { randn, type Tensor, tensor } from '@nn/tensor';
import { describe, it } from 'vitest';
import { expectSameAsCpu } from '../test/compare';

/** Seeded int32 values in [-limit, limit): SIMD groups and scalar tails, negatives and zeros. */
function ints(shape: number[], seed: number, limit = 50): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, (_, i) => ((i * 7919 + seed * 104729) % (2 * limit)) - limit);
  return tensor(values, shape, 'int32');
}

const BIG = [2147483647, -2147483648, 65536, -65537, 46341, 7, 0, -1, 1, 123456789];
const big = (): Tensor => tensor(BIG, [BIG.length], 'int32');
const bigReversed = (): Tensor => tensor([...BIG].reverse(), [BIG.length], 'int32');

// expectSameAsCpu also checks that no call fell back to the CPU kernels: these run in wasm.
describe('int32 kernels run in wasm and match the cpu backend', () => {
  const binaries = [nn.add, nn.sub, nn.mul, nn.div, nn.maximum, nn.minimum, nn.equal, nn.greater, nn.less];
  it('binary ops: same shape, scalars and broadcasts, with wrap-around', async () => {
    for (const op of binaries) {
      await expectSameAsCpu(() => op(ints([3, 17], 1), ints([3, 17], 2)), 0);
      await expectSameAsCpu(() => op(ints([19], 3), tensor(3, [], 'int32')), 0);
      await expectSameAsCpu(() => op(tensor(-4, [], 'int32'), ints([19], 4)), 0);
      await expectSameAsCpu(() => op(ints([2, 3, 5], 5), ints([3, 1], 6)), 0);
    }
    // Overflowing sums, differences and products wrap like int32 arithmetic (Mul as imul).
    for (const op of [nn.add, nn.sub, nn.mul]) await expectSameAsCpu(() => op(big(), bigReversed()), 0);
    await expectSameAsCpu(() => nn.mul(big(), tensor(3, [], 'int32')), 0);
  });

  it('pow: exact powers, and negative exponents truncated', async () => {
    // Powers past 2^53 have no exact double, so their int32 bits depend on the libm: not compared.
    const bases = () => ints([5, 25], 13, 12);
    await expectSameAsCpu(() => nn.pow(bases(), nn.abs(ints([5, 25], 14, 9))), 0);
    await expectSameAsCpu(() => nn.pow(bases(), tensor([[-1], [-2], [0], [1], [-3]], undefined, 'int32')), 0);
  });

  it('unary ops, ReluBackward and Cast', async () => {
    await expectSameAsCpu(() => nn.neg(big()), 0);
    await expectSameAsCpu(() => nn.abs(big()), 0);
    await expectSameAsCpu(() => nn.square(big()), 0);
    await expectSameAsCpu(() => nn.relu(ints([37], 7)), 0);
    await expectSameAsCpu(() => nn.leakyRelu(ints([37], 8), 0.3), 0);
    await expectSameAsCpu(() => nn.clip(ints([37], 9), -7, 12), 0);
    await expectSameAsCpu(() => nn.reluBackward(ints([37], 10), ints([37], 11)), 0);
    await expectSameAsCpu(() => nn.cast(nn.mul(randn([29], { seed: 1 }), 1e9), 'int32'), 0);
  });

  it('reductions and argmax over every axis set, wrapping sums', async () => {
    const x = () => ints([3, 5, 7], 12, 1000);
    for (const axis of [0, 1, 2, [0, 1], [1, 2], [0, 2], undefined] as const) {
      await expectSameAsCpu(() => nn.sum(x(), axis as number | number[] | undefined), 0);
      await expectSameAsCpu(() => nn.max(x(), axis as number | number[] | undefined), 0);
      await expectSameAsCpu(() => nn.min(x(), axis as number | number[] | undefined), 0);
    }
    for (const axis of [0, 1, 2]) await expectSameAsCpu(() => nn.argmax(x(), axis), 0);
    await expectSameAsCpu(() => nn.sum(tensor([2147483647, 2147483647, 5], [3], 'int32')), 0);
  });
});

describe('ScatterAdd runs in wasm and matches the cpu backend', () => {
  const indices = () => tensor([2, 0, 2, 2, 1], [5], 'int32');
  it('float32, repeated indices, at the first, middle and last axis', async () => {
    await expectSameAsCpu(() => nn.scatterAdd(randn([5, 3], { seed: 1 }), indices(), 0, 4), 1e-6);
    await expectSameAsCpu(() => nn.scatterAdd(randn([2, 5, 3], { seed: 2 }), indices(), 1, 3), 1e-6);
    await expectSameAsCpu(() => nn.scatterAdd(randn([4, 5], { seed: 3 }), indices(), 1, 3), 1e-6);
  });
  it('int32, wrapping once on the final store', async () => {
    await expectSameAsCpu(() => nn.scatterAdd(ints([5, 4], 4, 1 << 30), indices(), 0, 3), 0);
    await expectSameAsCpu(() => nn.scatterAdd(tensor([2147483647, 1, 5, 2, 3], [5], 'int32'), indices(), 0, 3), 0);
  });
  it('an empty output and no updates', async () => {
    await expectSameAsCpu(() => nn.scatterAdd(nn.zeros([0, 3]), tensor([], [0], 'int32'), 0, 2), 0);
  });
});

describe('int32 MatMul runs in wasm and matches the cpu backend', () => {
  it('wraps like int32 arithmetic, with transposes, batch broadcasts and SIMD tails', async () => {
    // Products up to 2.5e9 and sums past 2^31 wrap; the sums stay exact in the reference's float64.
    const a = () => ints([2, 3, 9], 1, 50000);
    const b = () => ints([9, 7], 2, 50000);
    await expectSameAsCpu(() => nn.matmul(a(), b()), 0);
    await expectSameAsCpu(() => nn.matmul(a(), ints([2, 7, 9], 3, 50000), { transposeB: true }), 0);
    await expectSameAsCpu(() => nn.matmul(ints([9, 3], 4), ints([4, 1, 9, 5], 5), { transposeA: true }), 0);
    await expectSameAsCpu(() => nn.matmul(ints([0, 3], 6), ints([3, 4], 7)), 0);
    await expectSameAsCpu(() => nn.matmul(ints([2, 0], 8), ints([0, 4], 9)), 0);
  });
});
