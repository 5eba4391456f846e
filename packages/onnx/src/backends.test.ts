/**
 * loadOnnx runs its graph with @nn ops, so on any backend: the PyTorch-exported import fixtures and an exported
 * 0.2 model (causal TransformerEncoder) on the wasm backend give PyTorch's outputs and the cpu backend's.
 */
import '@nn/backend-wasm';
import { readFileSync } from 'node:fs';
import { getBackend, manualSeed, randn, setBackend, type Tensor, tensor } from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Autoencoder, Encoder } from '../test/models-02';
import { maxDiff } from '../test/ort';
import { exportOnnxBytes } from './export';
import { loadOnnx } from './load';

const fixture = (name: string) => new URL(`../test/fixtures/${name}`, import.meta.url);

describe('loadOnnx on the wasm backend', () => {
  beforeAll(() => setBackend('wasm'));
  afterAll(() => setBackend('cpu'));

  for (const name of ['mlp', 'lenet', 'resnet', 'lstm', 'transformer', 'autoencoder']) {
    it(`${name} (torch.onnx.export) gives PyTorch's outputs`, async () => {
      expect(getBackend().name).toBe('wasm');
      const expected = JSON.parse(readFileSync(fixture(`${name}.json`), 'utf8'));
      const model = await loadOnnx(new Uint8Array(readFileSync(fixture(`${name}.onnx`))));
      const y = model.forward(tensor(expected.input.values, expected.input.shape)) as Tensor;
      expect(y.shape).toEqual(expected.output.shape);
      expect(maxDiff(y.dataSync(), expected.output.values)).toBeLessThan(1e-4);
    });
  }

  for (const [name, make, shape] of [
    [
      'a causal pre-norm TransformerEncoder',
      () => new Encoder({ normFirst: true, activation: 'gelu' }, true),
      [3, 5, 16],
    ],
    ['the conv autoencoder (ConvTranspose2d, bilinear Upsample)', () => new Autoencoder('bilinear'), [3, 1, 16, 16]],
  ] as const) {
    it(`${name} exported by @nn gives the cpu backend's outputs`, async () => {
      await setBackend('cpu');
      manualSeed(20);
      const model = make();
      const x = randn([...shape]);
      const bytes = exportOnnxBytes(model, x);
      const onCpu = (await loadOnnx(bytes)).forward(x) as Tensor;
      const expected = onCpu.dataSync().slice();
      await setBackend('wasm');
      const onWasm = (await loadOnnx(bytes)).forward(tensor(x.dataSync().slice(), x.shape)) as Tensor;
      expect(maxDiff(onWasm.dataSync(), expected)).toBeLessThan(1e-4);
    });
  }
});
