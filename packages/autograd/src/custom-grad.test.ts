import { detach, memory, NNError, type Tensor, tensor, tidy, where } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { customGrad } from './custom-grad';
import { grad, gradsOf, noGrad, valueAndGrad } from './grad';
import { check, f64 } from './test-utils';

/** sign(x) forward, identity backward where |x| <= 1 (the straight-through estimator of binarised networks). */
const straightThroughSign = customGrad((x: Tensor) => ({
  value: x.greater(0).mul(2).sub(1),
  grad: (dy) => [where(x.abs().less(1), dy, 0)],
}));

/** The identity forward, -lambda * dy backward (the gradient-reversal layer of domain-adversarial training). */
const reverseGradient = (lambda: number) => customGrad((x: Tensor) => ({ value: x, grad: (dy) => [dy.mul(-lambda)] }));

/** x * y with its true gradient, written by hand: gradcheck must accept it. */
const product = customGrad((x: Tensor, y: Tensor) => ({
  value: x.mul(y),
  grad: (dy) => [dy.mul(y), dy.mul(x)],
}));

describe('customGrad', () => {
  it('a hand-written true gradient passes gradcheck (two inputs, inside other ops)', () => {
    check((x, y) => product(x.tanh(), y).exp(), [f64([3, 2], 400), f64([3, 2], 401)]);
  });

  it('straight-through sign: the forward value is the sign, the gradient is dy inside [-1, 1]', () => {
    const x = tensor([-2, -0.5, 0.25, 3]);
    expect(straightThroughSign(x).toArray()).toEqual([-1, -1, 1, 1]);
    const [dx] = grad((v: Tensor) =>
      straightThroughSign(v)
        .mul(tensor([1, 2, 3, 4]))
        .sum(),
    )(x);
    expect(dx!.toArray()).toEqual([0, 2, 3, 0]);
  });

  it('gradient reversal: identity forward, reversed and scaled gradient, in valueAndGrad and gradsOf', () => {
    const x = tensor([1, 2]);
    const { value, grads } = valueAndGrad((v: Tensor) => reverseGradient(0.5)(v.square()).sum())(x);
    expect(value.item()).toBe(5);
    expect(grads[0]!.toArray()).toEqual([-1, -2]);
    const w = tensor([3]);
    const { grads: viaParams } = tidy(() => gradsOf(() => reverseGradient(2)(w).mul(4).sum(), [w]));
    expect(viaParams[0]!.toArray()).toEqual([-8]);
  });

  it('nests: a second derivative through a hand-written first derivative', () => {
    const cube = customGrad((x: Tensor) => ({ value: x.pow(3), grad: (dy) => [dy.mul(x.square().mul(3))] }));
    const x = tensor([2], undefined, 'float64');
    const [d2] = grad((v: Tensor) => grad((u: Tensor) => cube(u).sum())(v)[0]!.sum())(x);
    expect(d2!.item()).toBeCloseTo(12, 10);
  });

  it('records nothing under noGrad and outside grad, and leaks nothing', () => {
    const before = memory().numTensors;
    const x = tensor([1, -1]);
    tidy(() => {
      expect(noGrad(() => straightThroughSign(x)).toArray()).toEqual([1, -1]);
      grad((v: Tensor) => straightThroughSign(v).sum())(x);
    });
    x.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it("save: grad reads the tape's copies; they are freed when the backward passes, or when it never reaches them", () => {
    // sin's gradient from a tensor f computes and an inner tidy would free: only the tape's copy outlives it.
    const sin = customGrad((x: Tensor) => {
      const cos = tidy(() => x.cos());
      return { value: x.sin(), save: [cos], grad: (dy, [c]) => [dy.mul(c!)] };
    });
    const x = tensor([0, 1]);
    const w = tensor([2, 3]);
    const before = memory().numTensors;
    tidy(() => {
      const [dx] = grad((v: Tensor) => sin(v).sum())(x);
      expect(dx!.dataSync()[1]).toBeCloseTo(Math.cos(1), 6);
      // Recorded (depends on w) but cut off by detach: the backward never reaches the call, the tape frees its copy.
      const {
        grads: [dw],
      } = gradsOf(() => sin(x.mul(w)).detach().sum().add(w.sum()), [w]);
      expect(dw!.toArray()).toEqual([1, 1]);
    });
    expect(memory().numTensors).toBe(before);
    x.dispose();
    w.dispose();
  });

  it('checks what f and grad return', () => {
    const x = tensor([1, 2]);
    const tooFew = customGrad((a: Tensor, _b: Tensor) => ({ value: a.add(1), grad: (dy) => [dy] }));
    expect(() => grad((a: Tensor, b: Tensor) => tooFew(a, b).sum())(x, x)).toThrow(
      /customGrad: grad must return one gradient per input \(2\), got an array of 1/,
    );
    const wrongShape = customGrad((a: Tensor) => ({ value: a.sum(), grad: (dy) => [dy] }));
    expect(() => grad((a: Tensor) => wrongShape(a))(x)).toThrow(
      /gradient of input 0 must have its shape \[2\], got \[\]/,
    );
    const noValue = customGrad(() => ({ value: 3, grad: () => [] }) as never);
    expect(() => noValue()).toThrow(NNError);
  });
});

describe('detach', () => {
  it('has the same values and cuts the gradient (function and method)', () => {
    const x = tensor([1, 2, 3]);
    expect(detach(x).toArray()).toEqual([1, 2, 3]);
    const [dx] = grad((v: Tensor) => v.mul(detach(v)).add(v.detach().square()).sum())(x);
    // d/dv (v * c) = c: the detached factor is a constant.
    expect(dx!.toArray()).toEqual([1, 2, 3]);
    expect(() => grad((v: Tensor) => v.detach().sum())(x)).toThrow(/does not depend on argument 0/);
  });
});
