/** Public API behaviour: methods vs functions, numbers as tensors, memory and tidy, backends. */

import {
  abs,
  add,
  clamp,
  conv2d,
  dispose,
  div,
  equal,
  exp,
  getBackend,
  greater,
  keep,
  less,
  logSoftmax,
  matmul,
  maximum,
  mean,
  memory,
  minimum,
  mul,
  neg,
  ones,
  pow,
  registeredBackends,
  relu,
  StateError,
  setBackend,
  sigmoid,
  softmax,
  square,
  sub,
  sum,
  type Tensor,
  tanh,
  tensor,
  tidy,
  transpose,
  where,
  zeros,
} from '@nn/tensor';
import { engine, KERNEL_NAMES } from '@nn/tensor/backend';
import { describe, expect, it } from 'vitest';

const a = () =>
  tensor([
    [1, -2],
    [3, 4],
  ]);
const b = () =>
  tensor([
    [0.5, 2],
    [-1, 3],
  ]);

describe('methods are the same ops as the functions', () => {
  const binary = { add, sub, mul, div, pow, maximum, minimum, equal, greater, less };
  it.each(Object.keys(binary) as (keyof typeof binary)[])('%s', (name) => {
    const viaFunction = binary[name](a(), b()).toArray();
    expect(a()[name](b()).toArray()).toEqual(viaFunction);
    expect(a()[name](2).toArray()).toEqual(binary[name](a(), 2).toArray());
  });

  const unary = { neg, abs, square, relu, exp, sigmoid, tanh, softmax, logSoftmax };
  it.each(Object.keys(unary) as (keyof typeof unary)[])('%s', (name) => {
    expect(b()[name]().toArray()).toEqual(unary[name](b()).toArray());
  });

  it('reductions, shape ops, matmul, clip, cast, leakyRelu', () => {
    const x = a();
    expect(x.sum().item()).toBe(sum(x).item());
    expect(x.mean(0, true).toArray()).toEqual(mean(x, 0, true).toArray());
    expect(x.max(-1).toArray()).toEqual([1, 4]);
    expect(x.min(-1).toArray()).toEqual([-2, 3]);
    expect(x.argmax(1).toArray()).toEqual([0, 1]);
    expect(x.reshape([4]).toArray()).toEqual([1, -2, 3, 4]);
    expect(x.transpose().toArray()).toEqual(transpose(x).toArray());
    expect(x.flatten(0).shape).toEqual([4]);
    expect(x.slice([1, 0], [1, -1]).toArray()).toEqual([[3, 4]]);
    expect(x.gather([1], 0).toArray()).toEqual([[3, 4]]);
    expect(
      x
        .pad([
          [0, 0],
          [1, 0],
        ])
        .toArray(),
    ).toEqual([
      [0, 1, -2],
      [0, 3, 4],
    ]);
    expect(x.matmul(b()).toArray()).toEqual(matmul(x, b()).toArray());
    expect(x.clip(0, 2).toArray()).toEqual([
      [1, 0],
      [2, 2],
    ]);
    expect(x.clamp(0, 2).toArray()).toEqual(x.clip(0, 2).toArray());
    expect(clamp(x, -1, 1).toArray()).toEqual([
      [1, -1],
      [1, 1],
    ]);
    expect(x.cast('int32').dtype).toBe('int32');
    expect(x.leakyRelu(0.5).toArray()).toEqual([
      [1, -1],
      [3, 4],
    ]);
    expect(x.sqrt().shape).toEqual([2, 2]);
    expect(x.abs().log().shape).toEqual([2, 2]);
    expect(x.expandDims(0).squeeze().shape).toEqual([2, 2]);
    expect(x.broadcastTo([3, 2, 2]).shape).toEqual([3, 2, 2]);
    expect(x.clone().toArray()).toEqual(x.toArray());
  });

  it('numbers are accepted where tensors are, on either side', () => {
    expect(a().mul(2).toArray()).toEqual([
      [2, -4],
      [6, 8],
    ]);
    expect(add(1, a()).toArray()).toEqual([
      [2, -1],
      [4, 5],
    ]);
    expect(sub(10, tensor([1, 2])).toArray()).toEqual([9, 8]);
    expect(where(tensor([1, 0]), 5, 6).toArray()).toEqual([5, 6]);
    const i = tensor([1, 2], undefined, 'int32');
    expect(i.add(1).dtype).toBe('int32');
  });

  it('cast to the same dtype gives a new tensor with the same values', () => {
    const x = a();
    const y = x.cast('float32');
    expect(y).not.toBe(x);
    x.dispose();
    expect(y.toArray()).toEqual([
      [1, -2],
      [3, 4],
    ]);
  });
});

describe('memory: tidy, keep, dispose, counts', () => {
  it('tidy frees every intermediate and keeps what it returns', () => {
    const start = memory().numTensors;
    const x = ones([2, 2]);
    const y = tidy(() => x.mul(2).add(1).sum());
    expect(y.item()).toBe(12);
    expect(memory().numTensors).toBe(start + 2);
    x.dispose();
    y.dispose();
    expect(memory().numTensors).toBe(start);
  });

  it('tidy keeps tensors returned in arrays and objects, and nests', () => {
    const start = memory().numTensors;
    const { p, q } = tidy(() => {
      const inner = tidy(() => [ones([1]).add(1), zeros([1]).add(0)]);
      return { p: inner[0]!, q: [inner[1]!.mul(3)] };
    });
    expect(memory().numTensors).toBe(start + 2);
    expect(p.item()).toBe(2);
    dispose([p, q]);
    expect(memory().numTensors).toBe(start);
  });

  it('keep survives the tidy around it; a throwing tidy still frees its tensors', () => {
    const start = memory().numTensors;
    let kept: Tensor | undefined;
    tidy(() => {
      kept = keep(ones([3]));
      ones([3]);
    });
    expect(memory().numTensors).toBe(start + 1);
    expect(kept!.isDisposed).toBe(false);
    expect(() =>
      tidy(() => {
        ones([5]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory().numTensors).toBe(start + 1);
    kept!.dispose();
    expect(memory().numTensors).toBe(start);
  });

  it('counts bytes, counting shared data (reshape) once', () => {
    const start = memory();
    const x = zeros([4, 4]);
    expect(memory().numBytes).toBe(start.numBytes + 64);
    const y = x.reshape([16]);
    expect(memory().numTensors).toBe(start.numTensors + 2);
    expect(memory().numBytes).toBe(start.numBytes + 64);
    x.dispose();
    expect(y.toArray()).toHaveLength(16);
    y.dispose();
    expect(memory().numBytes).toBe(start.numBytes);
    expect(memory().numDataIds).toBe(start.numDataIds);
    const f64 = zeros([2], 'float64');
    expect(memory().numBytes).toBe(start.numBytes + 16);
    f64.dispose();
  });

  it('dispose is idempotent and using a disposed tensor is a StateError', () => {
    const x = ones([2]);
    x.dispose();
    x.dispose();
    expect(x.isDisposed).toBe(true);
    expect(() => x.add(1)).toThrow(StateError);
  });

  it('engine.checkLeaks checks every kernel', () => {
    engine.checkLeaks = true;
    try {
      expect(
        tidy(() =>
          conv2d(ones([1, 1, 4, 4]), ones([1, 1, 2, 2]))
            .sum()
            .item(),
        ),
      ).toBe(36);
    } finally {
      engine.checkLeaks = false;
    }
  });
});

describe('backends', () => {
  it('cpu is registered and active by default, covering every kernel', () => {
    expect(registeredBackends()).toContain('cpu');
    const info = getBackend();
    expect(info.name).toBe('cpu');
    expect(info.floatPrecision()).toBe(64);
    const coverage = info.kernelCoverage();
    expect(coverage.backend).toBe('cpu');
    expect(coverage.implemented).toEqual([...KERNEL_NAMES]);
    expect(coverage.fallback).toEqual([]);
  });

  it('setBackend to an unknown name rejects with a StateError naming it', async () => {
    await expect(setBackend('no-such-backend')).rejects.toThrow(StateError);
    await expect(setBackend('no-such-backend')).rejects.toThrow(/setBackend: no backend named 'no-such-backend'/);
    expect(getBackend().name).toBe('cpu');
  });

  it('setBackend("cpu") is async and keeps existing tensors readable', async () => {
    const x = tensor([1, 2]);
    await setBackend('cpu');
    expect(x.toArray()).toEqual([1, 2]);
    x.dispose();
  });
});
