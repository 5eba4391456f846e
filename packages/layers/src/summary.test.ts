import { readFileSync } from 'node:fs';
import { memory, type Tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Linear, LSTM, ReLU, Sequential } from './layers';
import { lenet5 } from './models';
import { Module } from './module';
import { summary } from './summary';

class Mlp extends Module {
  fc1 = new Linear(4, 8);
  blocks = [new Sequential(new Linear(8, 8), new ReLU()), new Linear(8, 8)];
  norm = new BatchNorm1d(8);
  head = new Linear(8, 1);
  forward(x: Tensor): Tensor {
    let h = this.fc1.forward(x).tanh();
    for (const block of this.blocks) h = block.forward(h).relu();
    return this.head.forward(this.norm.forward(h));
  }
}

describe('summary', () => {
  it('LeNet-5: every layer with its output shape and parameters, and the totals', () => {
    expect(summary(lenet5(), { inputShape: [1, 28, 28] })).toBe(
      [
        'Sequential, input [1, 1, 28, 28] float32',
        '=======================================',
        'Layer (type)   Output shape     Param #',
        '---------------------------------------',
        '0 (Conv2d)     [1, 6, 28, 28]       156',
        '1 (ReLU)       [1, 6, 28, 28]         0',
        '2 (MaxPool2d)  [1, 6, 14, 14]         0',
        '3 (Conv2d)     [1, 16, 10, 10]    2,416',
        '4 (ReLU)       [1, 16, 10, 10]        0',
        '5 (MaxPool2d)  [1, 16, 5, 5]          0',
        '6 (Flatten)    [1, 400]               0',
        '7 (Linear)     [1, 120]          48,120',
        '8 (ReLU)       [1, 120]               0',
        '9 (Linear)     [1, 84]           10,164',
        '10 (ReLU)      [1, 84]                0',
        '11 (Linear)    [1, 10]              850',
        '=======================================',
        'Total params: 61,706',
        'Trainable params: 61,706',
        'Non-trainable params: 0',
      ].join('\n'),
    );
  });

  it('the README shows exactly what it prints', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`\`\`\`text\n${summary(lenet5(), { inputShape: [1, 28, 28] })}\n\`\`\``);
  });

  it('nested modules are indented under their parent; buffers are non-trainable parameters', () => {
    const text = summary(new Mlp(), { inputShape: [4], batchSize: 3 });
    expect(text.split('\n')).toEqual([
      'Mlp, input [3, 4] float32',
      '============================================',
      'Layer (type)           Output shape  Param #',
      '--------------------------------------------',
      'fc1 (Linear)           [3, 8]             40',
      'blocks.0 (Sequential)  [3, 8]              0',
      '  blocks.0.0 (Linear)  [3, 8]             72',
      '  blocks.0.1 (ReLU)    [3, 8]              0',
      'blocks.1 (Linear)      [3, 8]             72',
      'norm (BatchNorm1d)     [3, 8]             33',
      'head (Linear)          [3, 1]              9',
      '============================================',
      'Total params: 226',
      'Trainable params: 209',
      'Non-trainable params: 17',
    ]);
  });

  it('a single layer, and outputs that are not one tensor (RNNs)', () => {
    const text = summary(new LSTM(3, 5, { numLayers: 2 }), { inputShape: [7, 3], batchSize: 2 });
    expect(text).toContain('(model) (LSTM)  output [2, 7, 5], hidden [[2, 2, 5], [2, 2, 5]]      440');
    // An empty slot of a result (MultiheadAttention's weights: null) is left out.
    class Pair extends Module {
      forward(x: Tensor) {
        return { output: x.relu(), weights: null };
      }
    }
    expect(summary(new Pair(), { inputShape: [3] })).toMatch(/^\(model\) \(Pair\) +output \[1, 3\] +0$/m);
  });

  it('leaves the model as it was: modes, forward methods, no tensors', () => {
    const model = new Mlp();
    model.train();
    model.norm.eval();
    summary(model, { inputShape: [4] });
    const before = memory().numTensors;
    summary(model, { inputShape: [4] });
    expect(memory().numTensors).toBe(before);
    expect(model.training).toBe(true);
    expect(model.fc1.training).toBe(true);
    expect(model.norm.training).toBe(false);
    for (const m of model.modules()) expect(Object.hasOwn(m, 'forward')).toBe(false);
    // A failing forward also restores everything, and the layer's own error says what went wrong.
    expect(() => summary(model, { inputShape: [5] })).toThrow(/^Linear: expected input \[\.\.\., 4\], got \[1,5\]/);
    for (const m of model.modules()) expect(Object.hasOwn(m, 'forward')).toBe(false);
    expect(model.training).toBe(true);
  });

  it('checks its options', () => {
    expect(() => summary(lenet5(), { inputSize: [1, 28, 28] } as never)).toThrow(
      "summary: unknown option 'inputSize'; did you mean 'inputShape'?",
    );
    expect(() => summary(lenet5(), { inputShape: [1, 28.5, 28] })).toThrow(
      new ValueError('summary: inputShape must be the shape of one sample (non-negative integers), got [1, 28.5, 28]'),
    );
    expect(() => summary(lenet5(), undefined as never)).toThrow(ValueError);
  });
});

describe('numParameters', () => {
  it('counts parameters and buffers, or the trainable parameters only; shared tensors once', () => {
    expect(lenet5().numParameters()).toBe(61706);
    const bn = new BatchNorm1d(8);
    expect(bn.numParameters()).toBe(8 + 8 + 8 + 8 + 1);
    expect(bn.numParameters({ trainableOnly: true })).toBe(16);
    const shared = new Linear(3, 3);
    expect(new Sequential(shared, new ReLU(), shared).numParameters()).toBe(12);
    expect(() => bn.numParameters({ trainable: true } as never)).toThrow(
      "numParameters: unknown option 'trainable'; did you mean 'trainableOnly'?",
    );
  });
});
