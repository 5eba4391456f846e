/** Checks a layer against a case of make_layer_fixtures.py: state dict, output and gradients, save/load round trip. */
import { readFileSync } from 'node:fs';
import { gradsOf } from '@nn/autograd';
import { type Tensor, tensor, tidy } from '@nn/tensor';
import { expect } from 'vitest';
import { parseSafetensors } from '../src/io/safetensors';
import type { Module } from '../src/module';
import { deserializeModule, serializeModule } from '../src/registry';
import { expectClose, fixture, fromJson, type TensorJson } from './helpers';

export interface LayerCase {
  config: Record<string, unknown>;
  train: boolean;
  inputs: (TensorJson & { dtype?: 'int32' })[];
  output: TensorJson;
  w: TensorJson;
  inputGrads: (TensorJson | null)[];
  grads: Record<string, TensorJson>;
  keys: string[];
  [extra: string]: unknown;
}

/** The JSON half of a layer case. */
export function layerCase(name: string): LayerCase {
  return fixture<LayerCase>(`layers/${name}.json`);
}

/** The PyTorch state_dict of a case, read from its safetensors file. */
export function torchStateDict(name: string): Record<string, Tensor> {
  return parseSafetensors(readFileSync(new URL(`./fixtures/layers/${name}.safetensors`, import.meta.url)));
}

export function caseInputs(c: LayerCase): Tensor[] {
  return c.inputs.map((x) => (x.dtype === 'int32' ? tensor(x.values, x.shape, 'int32') : fromJson(x)));
}

export type Call = (module: Module, inputs: Tensor[]) => Tensor;
const defaultCall: Call = (module, inputs) => module.forward(...inputs) as Tensor;

/**
 * Loads the PyTorch state dict into `module` (float64, strict), checks the key order, the output and the gradients
 * of sum(output * w) for every float input and every parameter, all against PyTorch 1.13.
 */
export function checkLayerCase(name: string, module: Module, call: Call = defaultCall, atol = 1e-9): void {
  const c = layerCase(name);
  module.to('float64');
  expect(Object.keys(module.stateDict())).toEqual(c.keys);
  const result = module.loadStateDict(torchStateDict(name), { strict: true });
  expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
  module.train(c.train);
  tidy(() => {
    const inputs = caseInputs(c);
    const floatInputs = inputs.filter((x) => x.dtype !== 'int32');
    const params = module.namedParameters();
    let output: Tensor | undefined;
    const { grads } = gradsOf(() => {
      output = call(module, inputs);
      return output.mul(fromJson(c.w)).sum();
    }, [...floatInputs, ...params.map(([, p]) => p)]);
    labelled('output', () => expectClose(output!, c.output, atol));
    const expectedInputGrads = c.inputGrads.filter((g): g is TensorJson => g !== null);
    for (const [i, g] of expectedInputGrads.entries()) {
      labelled(`gradient of input ${i}`, () => expectClose(grads[i]!, g, atol));
    }
    expect(params.map(([key]) => key).sort()).toEqual(Object.keys(c.grads).sort());
    for (const [i, [key]] of params.entries()) {
      labelled(`gradient of ${key}`, () => expectClose(grads[floatInputs.length + i]!, c.grads[key]!, atol));
    }
  });
}

/** Runs a check, naming what it checked when it fails. */
function labelled(what: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof Error) error.message = `${what}: ${error.message}`;
    throw error;
  }
}

/** serializeModule -> deserializeModule -> loadStateDict gives the same class, config and (eval) outputs. */
export function checkRoundTrip(name: string, module: Module, call: Call = defaultCall): void {
  module.to('float64');
  module.loadStateDict(torchStateDict(name));
  const spec = serializeModule(module);
  const rebuilt = deserializeModule(JSON.parse(JSON.stringify(spec)));
  expect(rebuilt.constructor).toBe(module.constructor);
  expect(rebuilt.getConfig()).toEqual(module.getConfig());
  rebuilt.to('float64');
  rebuilt.loadStateDict(module.stateDict(), { strict: true });
  module.eval();
  rebuilt.eval();
  tidy(() => {
    const inputs = caseInputs(layerCase(name));
    expectClose(call(rebuilt, inputs), Array.from(call(module, inputs).dataSync()), 0, 0);
  });
}
