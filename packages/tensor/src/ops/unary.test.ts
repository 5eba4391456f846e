import { describe, expect, it } from 'vitest';
import unarySpecs from '../kernels/unary';
import { Tensor } from '../tensor';
import { tensor } from './create';
import * as ops from './index';
import { reluBackward } from './unary';

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
