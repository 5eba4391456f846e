import { gradsOf } from '@nn/autograd';
import { manualSeed, memory, type Tensor, tidy, ValueError, zeros } from '@nn/tensor';
import { engine, type KernelCall } from '@nn/tensor/backend';
import { describe, expect, it } from 'vitest';
import { expectClose, fixture, fromJson, type TensorJson } from '../../test/helpers';
import type { Module } from '../module';
import { GRU, LSTM, RNN } from './rnn';

interface RecurrentCase {
  stateDict: Record<string, TensorJson>;
  x: TensorJson;
  h0?: TensorJson;
  c0?: TensorJson;
  output: TensorJson;
  h: TensorJson;
  c?: TensorJson;
  wOut: TensorJson;
  wH: TensorJson;
  wC?: TensorJson;
  loss: number;
  gradX: TensorJson;
  grads: Record<string, TensorJson>;
}

const cases = fixture<Record<'rnn' | 'lstm' | 'lstmZeroState' | 'gru', RecurrentCase>>('recurrent.json');

function loadFloat64(model: Module, sd: Record<string, TensorJson>): void {
  model.to('float64');
  model.loadStateDict(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, fromJson(v)])));
}

/** Runs the model on the case's input, checks outputs and every gradient against PyTorch (float64). */
function checkAgainstPyTorch(model: RNN | LSTM | GRU, c: RecurrentCase): void {
  loadFloat64(model, c.stateDict);
  tidy(() => {
    const x = fromJson(c.x);
    const params = model.parameters();
    let outputs: { output: Tensor; hidden: Tensor | [Tensor, Tensor] } | undefined;
    const loss = (): Tensor => {
      let run: { output: Tensor; hidden: Tensor | [Tensor, Tensor] };
      if (model instanceof LSTM) {
        run = model.forward(x, c.h0 && c.c0 ? [fromJson(c.h0), fromJson(c.c0)] : undefined);
      } else {
        run = (model as RNN | GRU).forward(x, c.h0 ? fromJson(c.h0) : undefined);
      }
      outputs = run;
      const [h, cell] = Array.isArray(run.hidden) ? run.hidden : [run.hidden, undefined];
      let total = run.output
        .mul(fromJson(c.wOut))
        .sum()
        .add(h!.mul(fromJson(c.wH)).sum());
      if (cell && c.wC) total = total.add(cell.mul(fromJson(c.wC)).sum());
      return total;
    };
    const { value, grads } = gradsOf(loss, [x, ...params]);
    expect(value.item()).toBeCloseTo(c.loss, 10);
    expectClose(outputs!.output, c.output);
    const hidden = outputs!.hidden;
    expectClose(Array.isArray(hidden) ? hidden[0] : hidden, c.h);
    if (c.c && Array.isArray(hidden)) expectClose(hidden[1], c.c);
    expectClose(grads[0]!, c.gradX);
    model.namedParameters().forEach(([name], i) => {
      expectClose(grads[i + 1]!, c.grads[name]!);
    });
  });
}

describe('recurrent layers against PyTorch 1.13 (float64, fixed weights)', () => {
  it('RNN (tanh, 2 layers, given h0): outputs and gradients', () => {
    checkAgainstPyTorch(new RNN(3, 4, { numLayers: 2 }), cases.rnn);
  });

  it('LSTM (2 layers, given [h0, c0]): outputs and gradients', () => {
    checkAgainstPyTorch(new LSTM(3, 4, { numLayers: 2 }), cases.lstm);
  });

  it('LSTM (zero initial state): outputs and gradients', () => {
    checkAgainstPyTorch(new LSTM(3, 4), cases.lstmZeroState);
  });

  it('LSTM in eval mode (the cell as elementwise ops, as exportOnnx traces it): the same outputs and gradients', () => {
    const model = new LSTM(3, 4, { numLayers: 2 });
    model.eval();
    checkAgainstPyTorch(model, cases.lstm);
  });

  it('LSTM in training mode runs one fused cell per step forward and its fused backward; eval mode runs none', () => {
    const counts = new Map<string, number>();
    const observer = (call: KernelCall) => void counts.set(call.kernelName, (counts.get(call.kernelName) ?? 0) + 1);
    const model = new LSTM(3, 4, { numLayers: 2 });
    const x = fromJson(cases.lstm.x, 'float32'); // [2, 5, 3]: 5 steps, 2 layers
    engine.addObserver(observer);
    try {
      tidy(() => gradsOf(() => model.forward(x).output.sum(), model.parameters()));
      expect([counts.get('LSTMCell'), counts.get('LSTMCellBackward'), counts.get('Sigmoid')]).toEqual([
        10,
        10,
        undefined,
      ]);
      counts.clear();
      model.eval();
      tidy(() => model.forward(x));
      expect([counts.get('LSTMCell'), counts.get('Sigmoid')]).toEqual([undefined, 30]);
    } finally {
      engine.removeObserver(observer);
    }
  });

  it('LSTM in training mode leaks nothing, with and without a gradient tape', () => {
    const model = new LSTM(3, 4, { numLayers: 2 });
    const x = fromJson(cases.lstm.x, 'float32');
    const before = memory().numTensors;
    // The tidy scopes return nothing: every tensor made, the backward's saved ones included, must be gone.
    tidy(() => void gradsOf(() => model.forward(x).hidden[1].sum(), [x, ...model.parameters()]));
    tidy(() => void model.forward(x));
    expect(memory().numTensors).toBe(before);
  });

  it('GRU (2 layers, given h0): outputs and gradients', () => {
    checkAgainstPyTorch(new GRU(3, 4, { numLayers: 2 }), cases.gru);
  });
});

describe('recurrent layers: layouts and validation', () => {
  it('batchFirst: false takes and returns [T, N, F]; unbatched [T, F] works too', () => {
    manualSeed(1);
    const first = new GRU(3, 4);
    manualSeed(1);
    const timeMajor = new GRU(3, 4, { batchFirst: false });
    const x = fromJson(cases.gru.x, 'float32'); // [2, 5, 3]
    const a = first.forward(x);
    const b = timeMajor.forward(x.transpose([1, 0, 2]));
    expect(b.output.shape).toEqual([5, 2, 4]);
    expectClose(b.output.transpose([1, 0, 2]), Array.from(a.output.dataSync()), 1e-6, 0);
    expectClose(b.hidden, Array.from(a.hidden.dataSync()), 1e-6, 0);
    const single = first.forward(x.slice([0, 0, 0], [1, 5, 3]).reshape([5, 3]));
    expect(single.output.shape).toEqual([5, 4]);
    expect(single.hidden.shape).toEqual([1, 4]);
    expectClose(single.output, Array.from(a.output.slice([0, 0, 0], [1, 5, 4]).dataSync()), 1e-6, 0);
  });

  it('initialisation is U(-1/sqrt(hidden), 1/sqrt(hidden)) and reproducible with manualSeed', () => {
    manualSeed(0);
    const a = new LSTM(5, 16);
    manualSeed(0);
    const b = new LSTM(5, 16);
    expect(a.stateDict().weight_hh_l0!.toArray()).toEqual(b.stateDict().weight_hh_l0!.toArray());
    for (const p of a.parameters()) {
      const values = Array.from(p.dataSync());
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.25);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.2);
    }
  });

  it('rejects bad inputs and states with the expected shapes in the message', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    expect(() => lstm.forward(zeros([2, 5, 7]))).toThrow('LSTM: expected input [N, T, 3] (or [T, 3]), got [2,5,7]');
    expect(() => lstm.forward(zeros([2, 5, 3]), [zeros([1, 2, 4]), zeros([2, 2, 4])])).toThrow(
      'LSTM: h0 must be [2,2,4], got [1,2,4]',
    );
    expect(() => new GRU(0, 4)).toThrow(ValueError);
  });
});
