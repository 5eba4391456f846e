import { describe, expect, it } from 'vitest';
import unarySpecs from '../kernels/unary';
import { Tensor } from '../tensor';
import { tensor } from './create';
import * as ops from './index';
import { geluBackward, reluBackward } from './unary';

const plainOps = Object.entries(unarySpecs).flatMap(([kernel, spec]) =>
  'parseArgs' in spec ? [[kernel, spec.op]] : [],
);

describe('plain unary ops come from their table entries', () => {
  it('each has a function and a method, and they agree', () => {
    // Every entry declared with unary(...): adding one needs no change here.
    expect(plainOps.map(([, op]) => op)).toEqual(expect.arrayContaining(['neg', 'relu', 'leakyRelu', 'clip']));
    const x = tensor([-1.5, 0.25, 2]);
    for (const [, op] of plainOps) {
      const fn = (ops as unknown as Record<string, (x: Tensor, ...args: number[]) => Tensor>)[op!];
      const method = (Tensor.prototype as unknown as Record<string, unknown>)[op!];
      expect(typeof fn, op).toBe('function');
      expect(typeof method, op).toBe('function');
      const args = op === 'clip' ? [-1, 1] : [];
      const viaFunction = fn!(x.abs(), ...args).dataSync();
      const viaMethod = (method as (...a: number[]) => Tensor).apply(x.abs(), args).dataSync();
      expect(viaFunction, op).toEqual(viaMethod);
    }
  });

  it('parses and checks the extra arguments in both forms', () => {
    const x = tensor([-2, 3]);
    expect(ops.leakyRelu(x).dataSync()).toEqual(new Float32Array([-0.02, 3]));
    expect(x.leakyRelu(0.5).dataSync()).toEqual(new Float32Array([-1, 3]));
    expect(() => x.leakyRelu(Number.NaN)).toThrow(/leakyRelu: alpha must be a finite number, got NaN/);
    expect(() => ops.clip(x, 2, 1)).toThrow(/clip: need numbers with min <= max, got min=2, max=1/);
  });

  it('the function form names the op when x is not a Tensor', () => {
    expect(() => ops.relu(3 as never)).toThrow(/relu: x must be a Tensor, got number/);
    expect(() => ops.exp(null as never)).toThrow(/exp: x must be a Tensor, got null/);
  });
});

describe('reluBackward', () => {
  it('checks that dy and y match', () => {
    const a = tensor([1, 2]);
    expect(() => reluBackward(a, tensor([1]))).toThrow(/reluBackward: y \[1\] must have the shape of dy \[2\]/);
    expect(() => reluBackward(a, 3 as never)).toThrow(/reluBackward: y must be a Tensor/);
  });
});

describe('geluBackward', () => {
  it('checks its inputs and options, naming the op', () => {
    const a = tensor([1, 2]);
    expect(() => geluBackward(a, tensor([1]))).toThrow(/geluBackward: x \[1\] must have the shape of dy \[2\]/);
    expect(() => geluBackward(a, 3 as never)).toThrow(/geluBackward: x must be a Tensor/);
    expect(() => geluBackward(tensor([1, 2], [2], 'int32'), tensor([1, 2], [2], 'int32'))).toThrow(
      /geluBackward: needs float32 or float64 tensors, got int32/,
    );
    expect(() => geluBackward(a, a, { approximate: 'fast' as never })).toThrow(
      /geluBackward: approximate must be 'none' or 'tanh', got 'fast'/,
    );
    expect(() => geluBackward(a, a, { approx: 'tanh' } as never)).toThrow(/geluBackward/);
  });

  it("is gelu's derivative times dy, in both forms", () => {
    const x = tensor([-1, 0, 2]);
    const dy = tensor([2, 1, -1]);
    const slope = (v: number) =>
      0.5 * (1 + erfApprox(v / Math.SQRT2)) + (v * Math.exp((-v * v) / 2)) / Math.sqrt(2 * Math.PI);
    const got = geluBackward(dy, x).dataSync();
    const want = [2 * slope(-1), slope(0), -slope(2)];
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
    expect(geluBackward(dy, x, { approximate: 'tanh' }).dataSync()[1]).toBeCloseTo(0.5, 6);
  });
});

/** erf to 1e-7 (Abramowitz & Stegun 7.1.26), enough for a 5-decimal check. */
function erfApprox(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return z < 0 ? -y : y;
}
