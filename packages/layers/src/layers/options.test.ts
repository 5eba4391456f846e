/** Every layer constructor refuses an option it does not know, and arguments it could only misuse later. */
import { conv2d, ones, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  GRU,
  LeakyReLU,
  Linear,
  LSTM,
  MaxPool2d,
  ReLU,
  RNN,
  RReLU,
  Sigmoid,
  Softmax,
  Tanh,
} from '.';

/** Calls `make` and returns the ValueError's message (fails the test if it does not throw one). */
function errorOf(make: () => unknown): string {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(ValueError);
    return (error as Error).message;
  }
  throw new Error('expected a ValueError');
}

describe('unknown layer options', () => {
  const cases: [string, () => unknown, string][] = [
    ['Linear', () => new Linear(2, 3, { useBias: false } as never), "'useBias'; did you mean 'bias'?"],
    ['Conv2d', () => new Conv2d(1, 2, 3, { strides: 2 } as never), "'strides'; did you mean 'stride'?"],
    ['BatchNorm1d', () => new BatchNorm1d(4, { epsilon: 1e-3 } as never), "'epsilon'"],
    ['BatchNorm2d', () => new BatchNorm2d(4, { track_running_stats: false } as never), "'trackRunningStats'?"],
    ['MaxPool2d', () => new MaxPool2d(2, { padd: 1 } as never), "'padd'; did you mean 'padding'?"],
    ['AvgPool2d', () => new AvgPool2d({ kernelSize: 2, strid: 1 } as never), "'strid'; did you mean 'stride'?"],
    ['Dropout', () => new Dropout(0.5, { seed: 1 } as never), "'seed'"],
    ['RReLU', () => new RReLU({ lowr: 0.1 } as never), "'lowr'; did you mean 'lower'?"],
    ['RNN', () => new RNN(2, 3, { nonlinerity: 'relu' } as never), "did you mean 'nonlinearity'?"],
    ['LSTM', () => new LSTM(2, 3, { num_layers: 2 } as never), "'num_layers'; did you mean 'numLayers'?"],
    ['GRU', () => new GRU(2, 3, { batchfirst: false } as never), "did you mean 'batchFirst'?"],
    ['ReLU', () => new ReLU({ inplace: true } as never), "'inplace'"],
    ['Sigmoid', () => new Sigmoid({ x: 1 } as never), "'x'"],
    ['Tanh', () => new Tanh({ x: 1 } as never), "'x'"],
  ];
  for (const [name, make, detail] of cases) {
    it(`${name} names the option, its suggestion and the known ones`, () => {
      const message = errorOf(make);
      expect(message.startsWith(`${name}: unknown option `)).toBe(true);
      expect(message).toContain(detail);
      expect(message).toContain('(known options:');
    });
  }

  it('LSTM lists its options, RNN also nonlinearity', () => {
    expect(errorOf(() => new LSTM(2, 3, { x: 1 } as never))).toContain(
      '(known options: numLayers, batchFirst, bias, generator)',
    );
    expect(errorOf(() => new RNN(2, 3, { x: 1 } as never))).toContain(
      '(known options: numLayers, batchFirst, bias, generator, nonlinearity)',
    );
  });

  it('known options, configs from saved models and omitted options still work', () => {
    expect(new Linear(2, 3, { bias: false }).bias).toBeNull();
    expect(new RNN(2, 3, { nonlinearity: 'relu', numLayers: 2 }).numLayers).toBe(2);
    expect(new MaxPool2d({ kernelSize: 2, stride: 1 }).stride).toBe(1);
    expect(Conv2d.fromConfig(new Conv2d(1, 2, 3, { padding: 'same' }).getConfig()).padding).toBe('same');
    expect(() => new ReLU()).not.toThrow();
    expect(errorOf(() => new Linear(2, 3, 7 as never))).toBe('Linear: options must be an object, got 7');
  });

  it('positional arguments that are not numbers are ValueErrors naming the value', () => {
    expect(errorOf(() => new Softmax({ dim: 1 } as never))).toBe('Softmax: axis must be an integer, got {"dim":1}');
    expect(errorOf(() => new Flatten(1.5))).toBe('Flatten: startAxis must be an integer, got 1.5');
    expect(errorOf(() => new Dropout({ p: 0.2 } as never))).toBe(
      'Dropout: p must be a number in [0, 1], got {"p":0.2}',
    );
    expect(errorOf(() => new LeakyReLU(Number.NaN))).toBe('LeakyReLU: alpha must be a finite number, got NaN');
  });
});

describe('a conv2d padding of NaN says NaN (JSON.stringify would print null)', () => {
  const x = ones([1, 1, 4, 4]);
  const w = ones([1, 1, 3, 3]);

  it('in the op, for a number and inside a pair', () => {
    expect(() => conv2d(x, w, { padding: Number.NaN })).toThrow(
      new ValueError('conv2d: padding must be an integer >= 0 or a pair of them, got NaN'),
    );
    expect(() => conv2d(x, w, { padding: [1, Number.NaN] })).toThrow('got [1, NaN]');
    expect(() => conv2d(x, w, { stride: Number.POSITIVE_INFINITY })).toThrow(
      'conv2d: stride must be an integer >= 1 or a pair of them, got Infinity',
    );
  });

  it('in the Conv2d layer, at construction (a NaN would be saved as null in model.json)', () => {
    expect(errorOf(() => new Conv2d(1, 1, 3, { padding: Number.NaN }))).toBe(
      'Conv2d: padding must be an integer >= 0 or a pair of them, got NaN',
    );
    expect(errorOf(() => new Conv2d(1, 1, 3, { stride: [1, 0] }))).toBe(
      'Conv2d: stride must be an integer >= 1 or a pair of them, got [1, 0]',
    );
  });
});
