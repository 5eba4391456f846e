import { FormatError, manualSeed, ones, ShapeError, tensor, ValueError, zeros } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, fixture, fromJson, type TensorJson } from '../../test/helpers';
import { deserializeModule, serializeModule } from '../registry';
import { LeakyReLU, ReLU, RReLU, Sigmoid, Softmax, Tanh } from './activations';
import { BatchNorm2d } from './batchnorm';
import { Conv2d } from './conv';
import { Dropout } from './dropout';
import { Flatten } from './flatten';
import { Linear } from './linear';
import { AvgPool2d, MaxPool2d } from './pooling';
import { Sequential } from './sequential';

describe('a small CNN with PyTorch weights gives PyTorch logits', () => {
  it('Conv2d, BatchNorm2d (eval), pooling, LeakyReLU, Linear, Sigmoid, Softmax', () => {
    const c = fixture<{ stateDict: Record<string, TensorJson>; x: TensorJson; evalOutput: TensorJson }>('cnn.json');
    const model = new Sequential(
      new Conv2d(1, 2, 3, { padding: 1 }),
      new BatchNorm2d(2),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(2, 3, 3, { stride: 1 }),
      new LeakyReLU(0.1),
      new AvgPool2d(2),
      new Flatten(),
      new Linear(3, 4),
      new Sigmoid(),
      new Linear(4, 5),
      new Softmax(-1),
    );
    expect(Object.keys(model.stateDict())).toEqual(Object.keys(c.stateDict));
    model.to('float64');
    model.loadStateDict(
      Object.fromEntries(
        Object.entries(c.stateDict).map(([k, v]) => [
          k,
          fromJson(v, k.endsWith('num_batches_tracked') ? 'int32' : 'float64'),
        ]),
      ),
    );
    model.eval();
    expectClose(model.forward(fromJson(c.x)), c.evalOutput, 1e-12);
  });
});

describe('Linear and Conv2d', () => {
  it('Linear computes x @ W^T + b with weight [out, in]', () => {
    const layer = new Linear(2, 3);
    layer.loadStateDict({
      weight: tensor([
        [1, 0],
        [0, 1],
        [1, 1],
      ]),
      bias: tensor([0.5, -0.5, 0]),
    });
    expect(layer.forward(tensor([[1, 2]])).toArray()).toEqual([[1.5, 1.5, 3]]);
    // Any number of leading axes.
    expect(layer.forward(ones([4, 5, 2])).shape).toEqual([4, 5, 3]);
    expect(() => layer.forward(ones([2, 3]))).toThrow('Linear: expected input [..., 2], got [2,3] (weight [3,2])');
  });

  it('PyTorch default init: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weight and bias, reproducible', () => {
    manualSeed(0);
    const a = new Conv2d(4, 8, 3);
    manualSeed(0);
    const b = new Conv2d(4, 8, 3);
    expect(a.weight.toArray()).toEqual(b.weight.toArray());
    const bound = 1 / Math.sqrt(4 * 3 * 3);
    for (const p of [a.weight, a.bias!]) {
      const values = Array.from(p.dataSync());
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
    }
    // With 288 draws, the extremes get close to the bound (uniform, not normal).
    expect(Math.max(...Array.from(a.weight.dataSync()).map(Math.abs))).toBeGreaterThan(bound * 0.95);
    expect(new Linear(3, 2, { bias: false }).bias).toBeNull();
  });

  it('Conv2d stride, padding and bias; pooling options', () => {
    const conv = new Conv2d(1, 1, 2, { stride: 2, bias: false });
    conv.loadStateDict({ weight: ones([1, 1, 2, 2]) });
    const x = tensor([
      [
        [
          [1, 2, 3, 4],
          [5, 6, 7, 8],
          [9, 10, 11, 12],
          [13, 14, 15, 16],
        ],
      ],
    ]);
    expect(conv.forward(x).toArray()).toEqual([
      [
        [
          [14, 22],
          [46, 54],
        ],
      ],
    ]);
    expect(new Conv2d(1, 2, 3, { padding: 'same' }).forward(x).shape).toEqual([1, 2, 4, 4]);
    expect(new MaxPool2d(2).forward(x).toArray()).toEqual([
      [
        [
          [6, 8],
          [14, 16],
        ],
      ],
    ]);
    expect(new MaxPool2d({ kernelSize: 3, stride: 1 }).forward(x).toArray()).toEqual([
      [
        [
          [11, 12],
          [15, 16],
        ],
      ],
    ]);
    expect(new AvgPool2d(2, { stride: 2 }).forward(x).toArray()).toEqual([
      [
        [
          [3.5, 5.5],
          [11.5, 13.5],
        ],
      ],
    ]);
    expect(() => conv.forward(zeros([1, 2, 4, 4]))).toThrow('Conv2d: expected input [N, 1, H, W], got [1,2,4,4]');
  });
});

describe('activations against hand-computed values', () => {
  const x = tensor([-2, -0.5, 0, 1.5]);
  it('ReLU, LeakyReLU, Sigmoid, Tanh', () => {
    expect(new ReLU().forward(x).toArray()).toEqual([0, 0, 0, 1.5]);
    expectClose(new LeakyReLU().forward(x), [-0.02, -0.005, 0, 1.5], 1e-7);
    expectClose(new LeakyReLU(0.2).forward(x), [-0.4, -0.1, 0, 1.5], 1e-7);
    expectClose(new Sigmoid().forward(x), [0.11920292, 0.37754067, 0.5, 0.81757448], 1e-7);
    expectClose(new Tanh().forward(x), [-0.96402758, -0.46211716, 0, 0.90514825], 1e-7);
  });

  it('Softmax along an axis', () => {
    const logits = tensor([
      [1, 2, 3],
      [0, 0, 0],
    ]);
    expectClose(new Softmax().forward(logits), [0.09003057, 0.24472847, 0.66524096, 1 / 3, 1 / 3, 1 / 3], 1e-7);
    expectClose(
      new Softmax(0).forward(logits),
      [0.7310586, 0.8807971, 0.9525741, 0.2689414, 0.1192029, 0.0474259],
      1e-6,
    );
  });

  it('RReLU: random slopes in [lower, upper) while training, the mean slope in eval', () => {
    const layer = new RReLU({ lower: 0.1, upper: 0.3 });
    const input = tensor(new Float32Array(1000).fill(-1));
    const slopes = Array.from(layer.forward(input).dataSync()).map((v) => -v);
    expect(Math.min(...slopes)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...slopes)).toBeLessThan(0.3);
    expect(new Set(slopes).size).toBeGreaterThan(900);
    const mean = slopes.reduce((a, b) => a + b, 0) / slopes.length;
    expect(mean).toBeCloseTo(0.2, 1);
    expect(layer.forward(tensor([2])).item()).toBe(2); // positive values pass through
    layer.eval();
    expectClose(layer.forward(tensor([-1, 2])), [-0.2, 2], 1e-7);
    expectClose(new RReLU().eval().forward(tensor([-24])), [(-24 * (1 / 8 + 1 / 3)) / 2], 1e-6);
    expect(() => new RReLU({ lower: 0.5, upper: 0.1 })).toThrow(ValueError);
  });
});

describe('Dropout', () => {
  it('training: zeroes about p of the values and scales the rest by 1 / (1 - p); eval: identity', () => {
    manualSeed(3);
    const layer = new Dropout(0.25);
    const y = Array.from(layer.forward(ones([4000])).dataSync());
    const zeroed = y.filter((v) => v === 0).length / y.length;
    expect(zeroed).toBeGreaterThan(0.22);
    expect(zeroed).toBeLessThan(0.28);
    expect(y.filter((v) => v !== 0).every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    layer.eval();
    expect(layer.forward(tensor([1, 2, 3])).toArray()).toEqual([1, 2, 3]);
  });

  it('is reproducible from manualSeed and fresh on every call', () => {
    manualSeed(7);
    const layer = new Dropout();
    const a = layer.forward(ones([64])).toArray();
    const b = layer.forward(ones([64])).toArray();
    manualSeed(7);
    expect(new Dropout().forward(ones([64])).toArray()).toEqual(a);
    expect(b).not.toEqual(a);
    expect(() => new Dropout(1.5)).toThrow(ValueError);
  });
});

describe('serialization', () => {
  it('serializeModule / deserializeModule round-trips the architecture through JSON', () => {
    const model = new Sequential(
      new Conv2d(1, 4, [3, 3], { padding: 'same', bias: false }),
      new BatchNorm2d(4, { momentum: null, eps: 1e-3 }),
      new RReLU({ lower: 0.1, upper: 0.2 }),
      new AvgPool2d({ kernelSize: 2, stride: 2 }),
      new Flatten(),
      new Dropout(0.3),
      new Linear(16, 3),
      new Softmax(1),
    );
    const spec = JSON.parse(JSON.stringify(serializeModule(model)));
    expect(spec.className).toBe('Sequential');
    expect(spec.children[0]).toEqual({
      className: 'Conv2d',
      config: {
        inChannels: 1,
        outChannels: 4,
        kernelSize: [3, 3],
        stride: 1,
        padding: 'same',
        dilation: 1,
        groups: 1,
        bias: false,
      },
    });
    const rebuilt = deserializeModule(spec) as Sequential;
    expect(serializeModule(rebuilt)).toEqual(spec);
    expect(Object.keys(rebuilt.stateDict())).toEqual(Object.keys(model.stateDict()));
    rebuilt.loadStateDict(model.stateDict());
    model.eval();
    rebuilt.eval();
    const x = fromJson({ shape: [2, 1, 4, 4], values: Array.from({ length: 32 }, (_, i) => Math.sin(i)) }, 'float32');
    expect(rebuilt.forward(x).toArray()).toEqual(model.forward(x).toArray());
  });

  it('unknown classes and bad configs are FormatErrors', () => {
    expect(() => deserializeModule({ className: 'Transformer', config: {} })).toThrow(FormatError);
    expect(() => deserializeModule({ className: 'Transformer', config: {} })).toThrow(
      /unknown module class 'Transformer'/,
    );
    expect(() => deserializeModule({ className: 'Linear', config: { inFeatures: 'x', outFeatures: 2 } })).toThrow(
      'Linear: config.inFeatures must be a finite number, got "x"',
    );
    expect(() => deserializeModule({ className: 'Linear', config: { inFeatures: -1, outFeatures: 2 } })).toThrow(
      FormatError,
    );
    expect(() => deserializeModule(null as never)).toThrow(FormatError);
  });

  it('Sequential is indexable and iterable', () => {
    const model = new Sequential(new Linear(2, 2), new ReLU());
    expect(model[0]).toBeInstanceOf(Linear);
    expect(model.length).toBe(2);
    expect([...model].map((m) => m.constructor.name)).toEqual(['Linear', 'ReLU']);
    expect(() => new Sequential({} as never)).toThrow(ValueError);
    expect(() => new Flatten().forward(zeros([2, 3, 4]))).not.toThrow(ShapeError);
  });
});
