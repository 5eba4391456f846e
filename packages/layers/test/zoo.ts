/**
 * One small instance of every layer added in 0.2 with an input for it, seeded: the save/load test runs each through
 * saveModel/loadModel, and backend-wasm's and backend-gpu's layer smoke tests run each forward and backward on
 * their backend against the cpu backend (they import this file by path; it uses only the layers' sources).
 */
import { Generator, randn, type Tensor, tensor } from '@nn/tensor';
import { Embedding, GroupNorm, Identity } from '../src/layers';
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
];

/** Runs an entry on fresh, seeded layer and inputs. */
export function runZooEntry(entry: ZooEntry, seed = 0): { module: Module; inputs: Tensor[]; output: Tensor } {
  const module = entry.make(new Generator(seed));
  const inputs = entry.inputs(new Generator(seed + 1));
  const output = entry.call ? entry.call(module, inputs) : (module.forward(...inputs) as Tensor);
  return { module, inputs, output };
}
