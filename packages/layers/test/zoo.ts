/**
 * One small instance of every layer added in 0.2 with an input for it, seeded: the save/load test runs each through
 * saveModel/loadModel, and backend-wasm's and backend-gpu's layer smoke tests run each forward and backward on
 * their backend against the cpu backend (they import this file by path; it uses only the layers' sources).
 */
import { gradsOf } from '@nn/autograd';
import { Generator, randn, setBackend, type Tensor, tensor, tidy } from '@nn/tensor';
import {
  AdaptiveAvgPool2d,
  Conv1d,
  ConvTranspose2d,
  ELU,
  Embedding,
  GELU,
  GroupNorm,
  Identity,
  LayerNorm,
  LSTM,
  MultiheadAttention,
  SiLU,
  Softplus,
  TransformerEncoder,
  TransformerEncoderLayer,
  Upsample,
} from '../src/layers';
import type { Module } from '../src/module';

export interface ZooEntry {
  name: string;
  /** A fresh layer, its parameters drawn from `generator`. */
  make(generator: Generator): Module;
  /** Its inputs, drawn from `generator`. */
  inputs(generator: Generator): Tensor[];
  /** Runs it (default `module.forward(...inputs)`), returning one tensor. */
  call?(module: Module, inputs: Tensor[]): Tensor;
}

const normal = (shape: number[], generator: Generator) => randn(shape, { generator });
/** int32 ids in [0, high). */
const ids = (high: number, shape: number[], generator: Generator) =>
  tensor(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.floor(generator.uniform() * high)),
    shape,
    'int32',
  );

export const layerZoo: readonly ZooEntry[] = [
  {
    // Training mode: the fused LSTMCell and LSTMCellBackward kernels (H = 5: a SIMD group and a tail).
    name: 'LSTM',
    make: (generator) => new LSTM(3, 5, { numLayers: 2, generator }),
    inputs: (generator) => [normal([2, 4, 3], generator)],
    call: (module, [x]) => {
      const { output, hidden } = (module as LSTM).forward(x!);
      return output.sum().add(hidden[1].mul(hidden[1]).sum());
    },
  },
  {
    name: 'Embedding',
    make: (generator) => new Embedding(11, 4, { paddingIdx: 1, generator }),
    inputs: (generator) => [ids(11, [3, 5], generator)],
  },
  {
    name: 'GroupNorm',
    make: () => new GroupNorm(2, 4),
    inputs: (generator) => [normal([2, 4, 3, 3], generator)],
  },
  { name: 'Identity', make: () => new Identity(), inputs: (generator) => [normal([2, 3], generator)] },
  { name: 'GELU', make: () => new GELU(), inputs: (generator) => [normal([2, 5], generator)] },
  { name: 'SiLU', make: () => new SiLU(), inputs: (generator) => [normal([2, 5], generator)] },
  { name: 'ELU', make: () => new ELU(0.5), inputs: (generator) => [normal([2, 5], generator)] },
  { name: 'Softplus', make: () => new Softplus({ beta: 2 }), inputs: (generator) => [normal([2, 5], generator)] },
  {
    name: 'Conv1d',
    make: (generator) => new Conv1d(3, 4, 3, { padding: 1, generator }),
    inputs: (generator) => [normal([2, 3, 7], generator)],
  },
  {
    name: 'ConvTranspose2d',
    make: (generator) => new ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1, generator }),
    inputs: (generator) => [normal([2, 3, 4, 4], generator)],
  },
  {
    name: 'Upsample',
    make: () => new Upsample({ scaleFactor: 2, mode: 'bilinear' }),
    inputs: (generator) => [normal([1, 2, 3, 3], generator)],
  },
  {
    name: 'AdaptiveAvgPool2d',
    make: () => new AdaptiveAvgPool2d([2, 3]),
    inputs: (generator) => [normal([2, 2, 5, 7], generator)],
  },
  { name: 'LayerNorm', make: () => new LayerNorm(6), inputs: (generator) => [normal([2, 3, 6], generator)] },
  {
    name: 'MultiheadAttention',
    make: (generator) => new MultiheadAttention(8, 2, { generator }),
    inputs: (generator) => [normal([2, 4, 8], generator)],
    call: (module, [x]) => (module as MultiheadAttention).forward(x!, x!, x!, { isCausal: true }).output,
  },
  {
    name: 'TransformerEncoderLayer',
    make: (generator) => new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu', generator }),
    inputs: (generator) => [normal([2, 4, 8], generator)],
  },
  {
    name: 'TransformerEncoder',
    make: (generator) =>
      new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, normFirst: true, generator }), 2),
    inputs: (generator) => [normal([2, 4, 8], generator)],
  },
];

/** Runs an entry on fresh, seeded layer and inputs. */
export function runZooEntry(entry: ZooEntry, seed = 0): { module: Module; inputs: Tensor[]; output: Tensor } {
  const module = entry.make(new Generator(seed));
  const inputs = entry.inputs(new Generator(seed + 1));
  const output = entry.call ? entry.call(module, inputs) : (module.forward(...inputs) as Tensor);
  return { module, inputs, output };
}

/** An entry's output and the gradients of sum(output * w) for its float inputs and parameters, as plain arrays. */
function forwardBackward(entry: ZooEntry): number[][] {
  return tidy(() => {
    const { module, inputs } = runZooEntry(entry);
    module.train(false);
    const wrt = [...inputs.filter((x) => x.dtype !== 'int32'), ...module.parameters()];
    let output: Tensor | undefined;
    const { grads } = gradsOf(() => {
      output = entry.call ? entry.call(module, inputs) : (module.forward(...inputs) as Tensor);
      return output.mul(randn(output.shape, { seed: 7 })).sum();
    }, wrt);
    return [output!, ...grads].map((t) => Array.from(t.dataSync()));
  });
}

/**
 * Runs every zoo entry forward and backward on the cpu backend and on `backend`, and returns a line per value
 * further apart than `tolerance` (relative to 1 + |cpu value|): empty when the backend agrees. Ends on 'cpu'.
 */
export async function zooMismatches(backend: string, tolerance: number): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of layerZoo) {
    await setBackend('cpu');
    const expected = forwardBackward(entry);
    await setBackend(backend);
    const actual = forwardBackward(entry);
    await setBackend('cpu');
    expected.forEach((values, k) => {
      const what = k === 0 ? 'output' : `gradient ${k - 1}`;
      if (actual[k]!.length !== values.length)
        problems.push(`${entry.name} ${what}: ${actual[k]!.length} values, cpu ${values.length}`);
      const i = values.findIndex((v, j) => !(Math.abs(actual[k]![j]! - v) <= tolerance * (1 + Math.abs(v))));
      if (i >= 0) problems.push(`${entry.name} ${what}[${i}]: ${backend} ${actual[k]![i]}, cpu ${values[i]}`);
    });
  }
  return problems;
}
