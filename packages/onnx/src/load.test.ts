import { readFileSync } from 'node:fs';
import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { maxDiff } from '../test/ort';
import { loadOnnx } from './load';

const fixture = (name: string) => new URL(`../test/fixtures/${name}`, import.meta.url);

describe('loadOnnx on models torch.onnx.export (PyTorch 1.13, opset 17) wrote', () => {
  for (const name of ['mlp', 'lenet', 'resnet', 'lstm']) {
    it(`${name} gives PyTorch's outputs at another batch size than exported`, async () => {
      const expected = JSON.parse(readFileSync(fixture(`${name}.json`), 'utf8'));
      const model = await loadOnnx(fixture(`${name}.onnx`).pathname);
      const y = model.forward(tensor(expected.input.values, expected.input.shape)) as ReturnType<typeof tensor>;
      expect(y.shape).toEqual(expected.output.shape);
      const diff = maxDiff(y.dataSync(), expected.output.values);
      console.log(name, diff);
      expect(diff).toBeLessThan(1e-4);
    });
  }
});
