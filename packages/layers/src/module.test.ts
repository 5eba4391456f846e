import { FormatError, keep, memory, ones, type Tensor, tensor, tidy, zeros } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  GRU,
  Linear,
  LSTM,
  Module,
  ReLU,
  RNN,
  Sequential,
  Tanh,
} from './index';
import { lenet5 } from './models';

// PyTorch's nn.ModuleList is a plain array here; the names come out the same.
class Mlp extends Module {
  fc1 = new Linear(4, 8);
  act = new Tanh();
  blocks = [new Linear(8, 8), new Linear(8, 8, { bias: false })];
  norm = new BatchNorm1d(8);
  head = new Linear(8, 1);

  forward(x: Tensor): Tensor {
    let h = this.act.forward(this.fc1.forward(x));
    for (const block of this.blocks) h = block.forward(h);
    return this.head.forward(this.norm.forward(h));
  }
}

// Expected key lists as printed by PyTorch 1.13 (see test/fixtures/make_fixtures.py, keys.json).
const LENET_KEYS = [
  '0.weight',
  '0.bias',
  '3.weight',
  '3.bias',
  '7.weight',
  '7.bias',
  '9.weight',
  '9.bias',
  '11.weight',
  '11.bias',
];
const MLP_KEYS = [
  'fc1.weight',
  'fc1.bias',
  'blocks.0.weight',
  'blocks.0.bias',
  'blocks.1.weight',
  'norm.weight',
  'norm.bias',
  'norm.running_mean',
  'norm.running_var',
  'norm.num_batches_tracked',
  'head.weight',
  'head.bias',
];
const LSTM2_KEYS = [
  'weight_ih_l0',
  'weight_hh_l0',
  'bias_ih_l0',
  'bias_hh_l0',
  'weight_ih_l1',
  'weight_hh_l1',
  'bias_ih_l1',
  'bias_hh_l1',
];

describe('Module: names and order', () => {
  it('LeNet-5 has PyTorch state dict keys and shapes', () => {
    const model = lenet5();
    const sd = model.stateDict();
    expect(Object.keys(sd)).toEqual(LENET_KEYS);
    expect(model.namedParameters().map(([n]) => n)).toEqual(LENET_KEYS);
    expect(sd['0.weight']!.shape).toEqual([6, 1, 5, 5]);
    expect(sd['7.weight']!.shape).toEqual([120, 400]);
    expect(model.parameters().reduce((n, p) => n + p.size, 0)).toBe(61706);
    expect(model.forward(zeros([2, 1, 28, 28])).shape).toEqual([2, 10]);
  });

  it('a custom MLP names fields, arrays and buffers like PyTorch', () => {
    const model = new Mlp();
    expect(Object.keys(model.stateDict())).toEqual(MLP_KEYS);
    expect(model.namedParameters().map(([n]) => n)).toEqual(
      MLP_KEYS.filter((k) => !k.includes('running') && !k.includes('num_')),
    );
    expect(model.namedBuffers().map(([n]) => n)).toEqual([
      'norm.running_mean',
      'norm.running_var',
      'norm.num_batches_tracked',
    ]);
    expect(model.stateDict()['norm.num_batches_tracked']!.dtype).toBe('int32');
    expect(model.namedChildren().map(([n]) => n)).toEqual(['fc1', 'act', 'blocks.0', 'blocks.1', 'norm', 'head']);
    expect(model.namedModules().length).toBe(7);
  });

  it('recurrent layers and BatchNorm use PyTorch names', () => {
    expect(Object.keys(new LSTM(3, 4, { numLayers: 2 }).stateDict())).toEqual(LSTM2_KEYS);
    expect(Object.keys(new GRU(3, 4).stateDict())).toEqual(LSTM2_KEYS.slice(0, 4));
    expect(Object.keys(new RNN(3, 4, { bias: false }).stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    expect(new LSTM(3, 4).stateDict().weight_ih_l0!.shape).toEqual([16, 3]);
    expect(new GRU(3, 4).stateDict().weight_hh_l0!.shape).toEqual([12, 4]);
    expect(Object.keys(new BatchNorm2d(3).stateDict())).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    expect(Object.keys(new BatchNorm1d(3, { affine: false }).stateDict())).toEqual([
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
  });

  it("a module's own parameters come before its children's, and shared ones count once", () => {
    class Shared extends Module {
      inner = new Linear(2, 2);
      again = this.inner;
      scale = keep(ones([1]));
      forward(x: Tensor): Tensor {
        return this.again.forward(this.inner.forward(x)).mul(this.scale);
      }
    }
    const m = new Shared();
    expect(m.namedParameters().map(([n]) => n)).toEqual(['scale', 'inner.weight', 'inner.bias']);
    expect(m.children().length).toBe(1);
  });
});

describe('Module: loadStateDict', () => {
  it('copies values in place, so references held elsewhere stay valid', () => {
    const a = new Linear(3, 2);
    const b = new Linear(3, 2);
    const weight = a.weight;
    const result = a.loadStateDict(b.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(a.weight).toBe(weight);
    expect(a.weight.toArray()).toEqual(b.weight.toArray());
  });

  it('reports missing and unexpected keys, and throws on them when strict', () => {
    const model = new Linear(3, 2);
    const other = new Linear(3, 2);
    const sd = { weight: other.weight, extra: zeros([1]) };
    expect(() => model.loadStateDict(sd)).toThrow(/missing keys: bias; unexpected keys: extra/);
    const before = model.weight.toArray();
    expect(model.loadStateDict(sd, { strict: false })).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(model.weight.toArray()).toEqual(other.weight.toArray());
    expect(before).not.toEqual(other.weight.toArray());
  });

  it('a shape or dtype mismatch names the key and leaves the whole model untouched', () => {
    const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 2));
    const snapshot = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.toArray()]));
    const sd = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 2)).stateDict();
    // The first entries are fine; a late one is wrong: nothing may have been written.
    const badShape = { ...sd, '2.weight': zeros([3, 4]) };
    expect(() => model.loadStateDict(badShape)).toThrow(FormatError);
    expect(() => model.loadStateDict(badShape)).toThrow("shape mismatch for '2.weight': expected [2,4], got [3,4]");
    const badDType = { ...sd, '1.num_batches_tracked': zeros([], 'float32') };
    expect(() => model.loadStateDict(badDType)).toThrow(
      "dtype mismatch for '1.num_batches_tracked': expected int32, got float32",
    );
    expect(() => model.loadStateDict({ ...sd, '0.bias': 'nope' as unknown as Tensor })).toThrow(FormatError);
    for (const [k, t] of Object.entries(model.stateDict())) expect(t.toArray()).toEqual(snapshot[k]);
  });
});

describe('Module: modes and memory', () => {
  it('train() and eval() set the flag on every sub-module', () => {
    const model = new Mlp();
    expect(model.modules().every((m) => m.training)).toBe(true);
    model.eval();
    expect(model.modules().every((m) => !m.training)).toBe(true);
    expect(model.blocks[1]!.training).toBe(false);
    model.train();
    expect(model.norm.training).toBe(true);
  });

  it('parameters and buffers created inside tidy survive it', () => {
    const model = tidy(() => new Sequential(new Linear(2, 3), new BatchNorm1d(3), new Dropout(0.1)));
    for (const t of Object.values(model.stateDict())) expect(t.isDisposed).toBe(false);
    const y = tidy(() =>
      model.forward(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    );
    expect(y.shape).toEqual([2, 3]);
  });

  it('a forward pass in tidy leaves no tensors behind', () => {
    const model = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new ReLU(), new Flatten(), new Linear(8, 2));
    const x = ones([1, 1, 4, 4]);
    tidy(() => model.forward(x).dispose());
    const before = memory().numTensors;
    tidy(() => {
      model.forward(x);
    });
    expect(memory().numTensors).toBe(before);
  });

  it('toString shows the tree', () => {
    expect(new Sequential(new Linear(2, 3), new ReLU()).toString()).toBe(
      'Sequential(\n  (0): Linear({"inFeatures":2,"outFeatures":3,"bias":true})\n  (1): ReLU()\n)',
    );
  });
});
