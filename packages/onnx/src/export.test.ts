import { LeakyReLU, Linear, lenet5, Module, ReLU, Sequential, Sigmoid, Tanh } from '@nn/layers';
import { FormatError, manualSeed, randn, scatterAdd, type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { LstmClassifier, SmallResNet } from '../test/models';
import { maxDiff, runOrt } from '../test/ort';
import { exportOnnxBytes } from './export';

/** Exports `model` traced on `sample`, runs it in ONNX Runtime on `x` and returns the max difference per output. */
async function compareWithOrt(model: Module, sample: Tensor, x: Tensor, names: string[]): Promise<number[]> {
  const bytes = exportOnnxBytes(model, sample);
  const ort = await runOrt(bytes, { input: x });
  model.eval();
  const result = model.forward(x) as Tensor | Record<string, unknown>;
  const ours = names.map(
    (name) =>
      name
        .split('.')
        .reduce<unknown>(
          (v, key) => (v as Record<string, unknown>)[key],
          name === 'output' ? { output: result } : result,
        ) as Tensor,
  );
  return names.map((name, i) => {
    expect(ort[name]!.dims).toEqual(ours[i]!.shape);
    return maxDiff(ort[name]!.data, ours[i]!.dataSync());
  });
}

describe('exportOnnxBytes, run in ONNX Runtime at another batch size than traced', () => {
  it('an MLP (ReLU, Tanh, Sigmoid, LeakyReLU)', async () => {
    manualSeed(1);
    const model = new Sequential(
      new Linear(6, 16),
      new ReLU(),
      new Linear(16, 16),
      new Tanh(),
      new Linear(16, 8),
      new LeakyReLU(0.1),
      new Linear(8, 3),
      new Sigmoid(),
    );
    const [diff] = await compareWithOrt(model, randn([3, 6]), randn([7, 6]), ['output']);
    expect(diff).toBeLessThan(1e-4);
  });

  it('LeNet-5', async () => {
    manualSeed(2);
    const [diff] = await compareWithOrt(lenet5(), randn([3, 1, 28, 28]), randn([5, 1, 28, 28]), ['output']);
    expect(diff).toBeLessThan(1e-4);
  });

  it('a small ResNet with BatchNorm in eval mode (running statistics)', async () => {
    manualSeed(3);
    const model = new SmallResNet();
    // A few training-mode forwards move the running statistics away from 0 and 1.
    for (let i = 0; i < 3; i++) model.forward(randn([4, 1, 16, 16]).mul(2).add(0.5)).dispose();
    const [diff] = await compareWithOrt(model, randn([3, 1, 16, 16]), randn([5, 1, 16, 16]), ['output']);
    expect(diff).toBeLessThan(1e-4);
    expect(model.training).toBe(false);
  });

  it('a 2-layer LSTM with a log-softmax head and its final state', async () => {
    manualSeed(4);
    const names = ['logits', 'hidden.0', 'hidden.1'];
    const diffs = await compareWithOrt(new LstmClassifier(), randn([3, 6, 5]), randn([4, 6, 5]), names);
    for (const diff of diffs) expect(diff).toBeLessThan(1e-4);
  });

  it('puts back each module train mode after tracing in eval mode', () => {
    const model = new SmallResNet();
    exportOnnxBytes(model, randn([2, 1, 16, 16]));
    expect(model.modules().every((m) => m.training)).toBe(true);
  });

  it('an unsupported kernel is a FormatError naming it and the module it ran in', () => {
    class Scatter extends Module {
      forward(x: Tensor): Tensor {
        return scatterAdd(x, tensor([1, 0], undefined, 'int32'), 0, 3);
      }
    }
    const model = new Sequential(new Linear(4, 3), new Scatter());
    expect(() => exportOnnxBytes(model, randn([2, 4]))).toThrow(FormatError);
    expect(() => exportOnnxBytes(model, randn([2, 4]))).toThrow("no ONNX mapping for kernel ScatterAdd (in '1')");
  });
});
