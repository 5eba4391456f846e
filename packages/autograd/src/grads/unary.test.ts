import {
  abs,
  adamUpdate,
  ceil,
  clip,
  cos,
  elu,
  erf,
  exp,
  expm1,
  floor,
  gelu,
  geluBackward,
  greater,
  leakyRelu,
  log,
  log1p,
  neg,
  reciprocal,
  relu,
  reluBackward,
  round,
  rsqrt,
  sigmoid,
  sign,
  silu,
  sin,
  softplus,
  sqrt,
  square,
  tanh,
  tensor,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { grad } from '../grad';
import { awayFrom, check, distinct, f64, uniform } from '../test-utils';

describe('unary elementwise gradients', () => {
  const x = f64([3, 4], 30);
  const positive = uniform([3, 4], 31, 0.2, 3);
  it('neg, exp, square, sigmoid, tanh', () => {
    for (const op of [neg, exp, square, sigmoid, tanh]) check(op, [x]);
  });
  it('log and sqrt on positive values', () => {
    check(log, [positive]);
    check(sqrt, [positive]);
  });
  it('abs, relu and leakyRelu away from the kink at 0', () => {
    const y = awayFrom([3, 4], 32, [0]);
    check(abs, [y]);
    check(relu, [y]);
    check((v) => leakyRelu(v, 0.1), [y]);
    check((v) => leakyRelu(v), [y]);
  });
  it('softplus: default, beta 2, a negative beta, and past a threshold (slope 1 there)', () => {
    check((v) => softplus(v), [x]);
    check((v) => softplus(v, { beta: 2 }), [x]);
    check((v) => softplus(v, { beta: -0.5 }), [x]);
    check((v) => softplus(v, { beta: 3, threshold: 1 }), [awayFrom([3, 4], 34, [1 / 3])]);
    const [g] = grad((v) => softplus(v, { threshold: 1 }).sum())(tensor([2, 0]));
    expect(g!.toArray()).toEqual([1, 0.5]);
  });
  it('sin, cos, erf, expm1, gelu (both forms), silu on normal values, size 1 and 0-d too', () => {
    for (const op of [sin, cos, erf, expm1, silu]) check(op, [x]);
    check((v) => gelu(v), [x]);
    check((v) => gelu(v, { approximate: 'tanh' }), [x]);
    check((v) => gelu(v, { approximate: 'tanh' }), [uniform([5], 35, -6, 6)]);
    check((v) => gelu(v), [uniform([5], 36, -6, 6)]);
    // gelu's rule is the fused geluBackward kernel; its own rule (second derivatives) is checked here.
    check((d, v) => geluBackward(d, v), [f64([3, 4], 61), uniform([3, 4], 62, -4, 4)]);
    check((d, v) => geluBackward(d, v, { approximate: 'tanh' }), [f64([3, 4], 63), uniform([3, 4], 64, -4, 4)]);
    check(erf, [f64([1], 37)]);
    check(silu, [f64([], 38)]);
  });
  it('log1p, reciprocal and rsqrt where they are smooth', () => {
    check(log1p, [uniform([3, 4], 39, -0.9, 3)]);
    check(reciprocal, [awayFrom([3, 4], 40, [0], 0.3)]);
    check(rsqrt, [positive]);
  });
  it('elu away from 0, default and other alphas; its slope at 0 is alpha', () => {
    const y = awayFrom([3, 4], 41, [0]);
    check((v) => elu(v), [y]);
    check((v) => elu(v, 0.3), [y]);
    check((v) => elu(v, -2), [y]);
    expect(grad((v) => elu(v, 0.5).sum())(tensor([0, 1]))[0]!.toArray()).toEqual([0.5, 1]);
  });
  it('sign, floor, ceil and round have zero gradients (not none): PyTorch documents zeros', () => {
    const at = tensor([-1.5, -0.5, 0, 0.5, 2.5]);
    for (const op of [sign, floor, ceil, round]) {
      const [g] = grad((v) => op(v).mul(3).sum())(at);
      expect(g!.toArray()).toEqual([0, 0, 0, 0, 0]);
    }
    // A straight path next to the rounding one still reaches x.
    const [g] = grad((v) => round(v).add(v).sum())(at);
    expect(g!.toArray()).toEqual([1, 1, 1, 1, 1]);
  });
  it('clip away from its bounds', () => {
    check((v) => clip(v, -0.5, 0.7), [awayFrom([4, 5], 33, [-0.5, 0.7])]);
  });
  it('kinks: relu and abs give 0 at 0, leakyRelu gives alpha, clip passes at its bounds', () => {
    const at = tensor([0, -1, 1, 2]);
    expect(grad((v) => relu(v).sum())(at)[0]!.toArray()).toEqual([0, 0, 1, 1]);
    expect(grad((v) => abs(v).sum())(at)[0]!.toArray()).toEqual([0, -1, 1, 1]);
    expect(grad((v) => leakyRelu(v, 0.5).sum())(at)[0]!.toArray()).toEqual([0.5, 0.5, 1, 1]);
    expect(grad((v) => clip(v, -1, 1).sum())(at)[0]!.toArray()).toEqual([1, 1, 1, 0]);
  });
  it('cast between float dtypes passes the gradient back in the input dtype', () => {
    const v = tensor([1, 2, 3], undefined, 'float64');
    const [g] = grad((t) =>
      t
        .cast('float32')
        .mul(tensor([1, 2, 3]))
        .sum(),
    )(v);
    expect(g!.dtype).toBe('float64');
    expect(g!.toArray()).toEqual([1, 2, 3]);
  });
  it('a value through a cast to int32 is a constant', () => {
    const v = tensor([1.5, 2.5]);
    const [g] = grad((t) => t.cast('int32').cast('float32').sum().add(t.sum()))(v);
    expect(g!.toArray()).toEqual([1, 1]);
  });
  it('comparisons are constants', () => {
    const [g] = grad((t) => greater(t, 0).mul(t).sum())(tensor([-1, 2]));
    expect(g!.toArray()).toEqual([0, 1]);
  });
  it('distinct values helper really is tie-free', () => {
    const values = Array.from(distinct([50], 1).dataSync());
    expect(new Set(values).size).toBe(50);
  });
});

describe('reluBackward', () => {
  it('is linear in dy with the mask of y (and has a second derivative through relu)', () => {
    const y = awayFrom([3, 4], 40, [0]);
    check((dy) => reluBackward(dy, y), [f64([3, 4], 41)]);
    // d/dx of sum(relu'(x) * x * w) = relu'(x) * w away from 0: the gradient of Relu's rule itself.
    const x = awayFrom([5], 42, [0]);
    const w = f64([5], 43);
    const [gx] = grad((v) =>
      grad((u) => relu(u).mul(w).sum())(v)[0]!
        .mul(v)
        .sum(),
    )(x);
    const mask = x.toArray() as number[];
    const wv = w.toArray() as number[];
    expect(gx!.toArray()).toEqual(mask.map((v, i) => (v > 0 ? wv[i]! : 0)));
  });
  it('gives y no gradient and is refused by grad for multi-output kernels', () => {
    const p = tensor([1, 2]);
    const g = tensor([0.5, -0.5]);
    expect(() =>
      grad((q) =>
        adamUpdate(q, g, g, g, {
          lr: 0.1,
          beta1: 0.9,
          beta2: 0.999,
          eps: 1e-8,
          weightDecay: 0,
          decoupled: false,
          step: 1,
        })[0].sum(),
      )(p),
    ).toThrow(/AdamUpdate has 3 outputs and no gradient/);
    const [dy] = grad((v) => reluBackward(tensor([1, 1]), v).sum())(tensor([1, -1]));
    expect(dy!.toArray()).toEqual([0, 0]);
  });
});
