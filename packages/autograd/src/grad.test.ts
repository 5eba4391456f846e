import {
  argmax,
  conv2d,
  DTypeError,
  matmul,
  maxPool2d,
  memory,
  NNError,
  oneHot,
  randn,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  zeros,
} from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { describe, expect, it } from 'vitest';
import { grad, gradDepth, gradsOf, noGrad, valueAndGrad } from './grad';

describe('grad and valueAndGrad', () => {
  it('differentiates the API example', () => {
    const [dx] = grad((x) => x.mul(x).sum())(tensor([1, 2, 3]));
    expect(dx!.toArray()).toEqual([2, 4, 6]);
  });

  it('gives one gradient per argument, with its shape', () => {
    const x = randn([4, 3], { seed: 1 });
    const w = randn([3, 2], { seed: 2 });
    const [dx, dw] = grad((a: Tensor, b: Tensor) => a.matmul(b).relu().sum())(x, w);
    expect(dx!.shape).toEqual([4, 3]);
    expect(dw!.shape).toEqual([3, 2]);
  });

  it('valueAndGrad returns the value too', () => {
    const { value, grads } = valueAndGrad((x: Tensor) => x.square().sum())(tensor([3, 4]));
    expect(value.item()).toBe(25);
    expect(grads[0]!.toArray()).toEqual([6, 8]);
  });

  it('accumulates gradients of a tensor used several times', () => {
    const [g] = grad((x) => x.mul(x).add(x).add(x.mul(3)).sum())(tensor([1, 2]));
    expect(g!.toArray()).toEqual([6, 8]);
  });

  it('gives zeros to an argument that does not influence the output when allowUnused', () => {
    const f = (x: Tensor, _y: Tensor) => x.sum();
    const [dx, dy] = grad(f, { allowUnused: true })(tensor([1, 2]), tensor([[1, 2, 3]]));
    expect(dx!.toArray()).toEqual([1, 1]);
    expect(dy!.toArray()).toEqual([[0, 0, 0]]);
    expect(valueAndGrad(f, { allowUnused: true })(tensor([1, 2]), tensor([4])).grads[1]!.toArray()).toEqual([0]);
  });

  it('refuses an argument the output does not depend on, naming it, and leaks nothing', () => {
    const before = memory().numTensors;
    const f = (x: Tensor, _y: Tensor) => x.sum();
    const [x, y] = [tensor([1, 2]), tensor([[1, 2, 3]])];
    expect(() => grad(f)(x, y)).toThrow(
      /grad: the result does not depend on argument 1 \(float32 \[1,3\]\).*allowUnused/,
    );
    expect(() => valueAndGrad(f)(x, y)).toThrow(/valueAndGrad: the result does not depend on argument 1/);
    expect(() => grad(f, { alowUnused: true } as never)).toThrow(/unknown option 'alowUnused'/);
    x.dispose();
    y.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('gives zeros through non-differentiable ops: the argument is used, its gradient is 0', () => {
    const x = tensor([-1, 0.5, 2]);
    expect(grad((v) => v.greater(0).sum())(x)[0]!.toArray()).toEqual([0, 0, 0]);
    expect(grad((v) => v.less(1).mul(v.equal(2)).sum())(x)[0]!.toArray()).toEqual([0, 0, 0]);
    // Through an int32 result (argmax) the tape is cut, as in PyTorch: the argument is unused.
    expect(() => grad((v) => argmax(v, 0).cast('float32').sum())(x)).toThrow(/does not depend on argument 0/);
  });

  it('gives ones when f returns its argument; a constant result needs allowUnused', () => {
    expect(grad((x) => x)(tensor(5))[0]!.item()).toBe(1);
    const constant = tensor(2);
    expect(() => grad((_x) => constant)(tensor([1, 2]))).toThrow(/does not depend on argument 0/);
    expect(grad((_x) => constant, { allowUnused: true })(tensor([1, 2]))[0]!.toArray()).toEqual([0, 0]);
    expect(constant.isDisposed).toBe(false);
  });

  it('accepts a one-element result of any rank', () => {
    expect(grad((x) => x.sum(0, true))(tensor([1, 2]))[0]!.toArray()).toEqual([1, 1]);
  });

  it('keeps float64 gradients in float64', () => {
    const x = tensor([0.1, 0.2], undefined, 'float64');
    const [g] = grad((v) => v.exp().sum())(x);
    expect(g!.dtype).toBe('float64');
    expect(g!.dataSync()[0]).toBe(Math.exp(0.1));
  });

  it("survives tidy and dispose inside f (saved tensors are the tape's own)", () => {
    const [g] = grad((x) => {
      const y = tidy(() => x.mul(2).exp());
      const z = y.mul(y);
      y.dispose();
      return z.sum();
    })(tensor([0, 1]));
    expect(g!.dataSync()[0]).toBeCloseTo(4, 5);
    expect(g!.dataSync()[1]).toBeCloseTo(4 * Math.exp(4), 2);
  });

  it('treats argmax and oneHot as constants', () => {
    const [g] = grad((x) => oneHot(argmax(x, 0), 3).mul(x).sum())(tensor([1, 5, 2]));
    expect(g!.toArray()).toEqual([0, 1, 0]);
  });

  it('records nothing under noGrad', () => {
    const [g] = grad((x) =>
      noGrad(() => x.mul(x))
        .add(x)
        .sum(),
    )(tensor([1, 2]));
    expect(g!.toArray()).toEqual([1, 1]);
    expect(noGrad(() => 3)).toBe(3);
  });

  it('nests: second derivatives', () => {
    const d2 = grad((x) => grad((y) => y.mul(y).mul(y).sum())(x)[0]!.sum());
    expect(d2(tensor([1, 2]))[0]!.toArray()).toEqual([6, 12]);
    const mixed = grad((x) => grad((y) => y.mul(y).tanh().sum())(x)[0]!.sum())(tensor([0.5], undefined, 'float64'))[0]!;
    const t = Math.tanh(0.25);
    // d/dx [2x(1 - tanh^2(x^2))] = 2(1 - t^2) - 8x^2 t (1 - t^2)
    expect(mixed.item()).toBeCloseTo(2 * (1 - t * t) - 8 * 0.25 * t * (1 - t * t), 12);
    expect(gradDepth()).toBe(0);
  });

  it('fails loudly on a second derivative through maxPool2d', () => {
    const x = randn([1, 1, 4, 4], { seed: 3 });
    const f = grad((v) => grad((u) => maxPool2d(u, { kernelSize: 2 }).square().sum())(v)[0]!.sum());
    expect(() => f(x)).toThrow(/MaxPool2DBackward has no gradient/);
  });
});

describe('gradsOf', () => {
  it('differentiates with respect to existing tensors', () => {
    const w = tensor([
      [1, 2],
      [3, 4],
    ]);
    const x = tensor([[1, 1]]);
    const { value, grads } = gradsOf(() => matmul(x, w).sum(), [w]);
    expect(value.item()).toBe(10);
    expect(grads[0]!.toArray()).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('does not compute gradients nobody asked for (conv2d input of a data batch)', () => {
    const x = randn([1, 1, 5, 5], { seed: 4 });
    const w = randn([2, 1, 3, 3], { seed: 5 });
    const counts: Record<string, number> = {};
    const spy = {
      record: ({ kernelName }: { kernelName: string }) => {
        counts[kernelName] = (counts[kernelName] ?? 0) + 1;
      },
    };
    engine.addRecorder(spy);
    try {
      gradsOf(() => conv2d(x, w).sum(), [w]);
    } finally {
      engine.removeRecorder(spy);
    }
    expect(counts.Conv2DBackpropInput).toBeUndefined();
  });
});

describe('errors', () => {
  it('rejects a non-scalar result, naming grad and the shape', () => {
    expect(() => grad((x) => x.mul(2))(zeros([2, 3]))).toThrow(ValueError);
    expect(() => grad((x) => x.mul(2))(zeros([2, 3]))).toThrow('grad: f must return a scalar, got shape [2,3]');
  });

  it('rejects a result that is not a tensor', () => {
    const f = (() => 3) as unknown as (x: Tensor) => Tensor;
    expect(() => grad(f)(zeros([2]))).toThrow('grad: f must return a scalar Tensor, got number');
    expect(() => valueAndGrad(f)(zeros([2]))).toThrow(/^valueAndGrad: /);
  });

  it('rejects int32 arguments and non-tensor arguments', () => {
    expect(() => grad((x) => x.sum())(tensor([1, 2], undefined, 'int32'))).toThrow(DTypeError);
    expect(() => grad((x) => x.sum())(tensor([1, 2], undefined, 'int32'))).toThrow(/grad: argument 0 is int32/);
    expect(() => grad((x) => x.sum())(3 as unknown as Tensor)).toThrow(NNError);
  });

  it('leaves no recorder behind when f throws, and frees what it saved', () => {
    const x = tensor([1, 2]);
    const before = memory().numTensors;
    expect(() =>
      grad((v) => {
        v.mul(v).exp();
        throw new Error('boom');
      })(x),
    ).toThrow('boom');
    expect(engine.isRecording()).toBe(false);
    expect(memory().numTensors).toBe(before);
  });
});

describe('memory', () => {
  it('grad frees everything but the gradients', () => {
    const x = randn([8, 4], { seed: 6 });
    const w = randn([4, 3], { seed: 7 });
    const before = memory();
    const grads = grad((a: Tensor, b: Tensor) => a.matmul(b).relu().square().mean())(x, w);
    expect(memory().numTensors).toBe(before.numTensors + 2);
    for (const g of grads) g.dispose();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numBytes).toBe(before.numBytes);
  });

  it('does not grow across 1,000 steps of a training loop (linear regression with gradsOf)', () => {
    const x = randn([32, 3], { seed: 8 });
    const trueW = tensor([[1], [-2], [0.5]]);
    const y = x.matmul(trueW).add(0.3);
    const w = zeros([3, 1]);
    const b = zeros([1]);
    const lr = 0.1;
    const step = (): number =>
      tidy(() => {
        const { value, grads } = gradsOf(() => x.matmul(w).add(b).sub(y).square().mean(), [w, b]);
        noGrad(() => {
          w.assign(w.sub(grads[0]!.mul(lr)));
          b.assign(b.sub(grads[1]!.mul(lr)));
        });
        return value.item();
      });
    step();
    const before = memory();
    let loss = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 1000; i++) loss = step();
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(loss).toBeLessThan(1e-8);
    expect(b.item()).toBeCloseTo(0.3, 4);
  });
});
