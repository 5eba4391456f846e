/**
 * Every layer of @nn/layers exports: the 0.2 layers of its smoke zoo (test/zoo.ts, imported by path as the
 * backends' smoke tests do) and the earlier ones, each run in ONNX Runtime on its inputs and compared with @nn.
 */
import {
  AvgPool2d,
  BatchNorm1d,
  Dropout,
  Embedding,
  Flatten,
  GRU,
  Identity,
  LayerNorm,
  MaxPool2d,
  Module,
  RNN,
  RReLU,
  Sequential,
  Softmax,
} from '@nn/layers';
import { Generator, manualSeed, randint, randn, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { layerZoo, runZooEntry } from '../../layers/test/zoo';
import { maxDiff, runOrt } from '../test/ort';
import { exportOnnxBytes } from './export';

/** A module whose forward is `call` (a zoo entry's way of running its layer). */
class Call extends Module {
  constructor(
    readonly layer: Module,
    readonly call: (inputs: Tensor[]) => Tensor,
  ) {
    super();
  }

  forward(...inputs: Tensor[]): Tensor {
    return this.call(inputs);
  }
}

/** A recurrent layer's output sequence. */
class Pick extends Module {
  forward(result: unknown): Tensor {
    return (result as { output: Tensor }).output;
  }
}

async function ortDiff(model: Module, inputs: Tensor[]): Promise<number> {
  model.eval();
  const bytes = exportOnnxBytes(model, inputs);
  const names = inputs.length === 1 ? ['input'] : inputs.map((_, i) => `input${i}`);
  const ort = (await runOrt(bytes, Object.fromEntries(names.map((n, i) => [n, inputs[i]!])))).output!;
  const ours = model.forward(...inputs) as Tensor;
  expect(ort.dims).toEqual(ours.shape);
  return maxDiff(ort.data, ours.dataSync());
}

describe('every layer exports and runs in ONNX Runtime', () => {
  for (const entry of layerZoo) {
    it(`${entry.name} (0.2 zoo)`, async () => {
      const run = runZooEntry(entry);
      // The zoo imports the layers' sources; typecheck sees @nn/layers as built (the same class at run time).
      const module = run.module as unknown as Module;
      const model = entry.call ? new Call(module, (xs) => entry.call!(run.module, xs)) : module;
      const { inputs } = run;
      expect(await ortDiff(model, inputs)).toBeLessThan(1e-4);
    });
  }

  const earlier: [string, () => Module, () => Tensor][] = [
    [
      'RNN and GRU',
      () =>
        new Sequential(
          new RNN(3, 5, { batchFirst: true }),
          new Pick(),
          new GRU(5, 4, { batchFirst: true }),
          new Pick(),
        ),
      () => randn([2, 6, 3]),
    ],
    [
      'RReLU (eval), Dropout, Identity, Softmax',
      () => new Sequential(new RReLU(), new Dropout(0.3), new Identity(), new Softmax(-1)),
      () => randn([3, 5]),
    ],
    ['BatchNorm1d', () => new BatchNorm1d(5), () => randn([3, 5])],
    [
      'LayerNorm without weight and bias',
      () => new LayerNorm([3, 4], { elementwiseAffine: false }),
      () => randn([2, 3, 4]),
    ],
    [
      'MaxPool2d, AvgPool2d, Flatten',
      () => new Sequential(new MaxPool2d(2), new AvgPool2d(2, { padding: 1 }), new Flatten()),
      () => randn([2, 3, 8, 8]),
    ],
    [
      'Embedding with paddingIdx',
      () => new Embedding(9, 4, { paddingIdx: 0, generator: new Generator(3) }),
      () => randint(0, 9, [2, 5]),
    ],
  ];
  for (const [name, make, input] of earlier) {
    it(name, async () => {
      manualSeed(30);
      expect(await ortDiff(make(), [input()])).toBeLessThan(1e-4);
    });
  }
});
