import { readFileSync } from 'node:fs';
import { crossEntropy } from '@nn/layers';
import { Adam } from '@nn/optim';
import { FormatError, manualSeed, type Tensor, tensor, tidy } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { maxDiff } from '../test/ort';
import { loadOnnx } from './node';
import { ATTR, encodeModel, type NodeProto, ONNX_FLOAT } from './proto';

const fixture = (name: string) => new URL(`../test/fixtures/${name}`, import.meta.url);
const expectedOf = (name: string) => JSON.parse(readFileSync(fixture(`${name}.json`), 'utf8'));

describe('loadOnnx on models torch.onnx.export (PyTorch 1.13, opset 17) wrote', () => {
  for (const name of ['mlp', 'lenet', 'resnet', 'lstm', 'transformer', 'autoencoder']) {
    it(`${name} gives PyTorch's outputs at another batch size than exported`, async () => {
      const expected = expectedOf(name);
      const model = await loadOnnx(fixture(`${name}.onnx`).pathname);
      const y = model.forward(tensor(expected.input.values, expected.input.shape)) as Tensor;
      expect(y.shape).toEqual(expected.output.shape);
      expect(maxDiff(y.dataSync(), expected.output.values)).toBeLessThan(1e-4);
    });
  }

  it('fine-tunes LeNet-5: its initializers are parameters, and the loss falls', async () => {
    manualSeed(0);
    const model = await loadOnnx(new Uint8Array(readFileSync(fixture('lenet.onnx'))));
    expect(model.namedParameters().map(([n]) => n)).toContain('conv1.weight');
    const { input } = expectedOf('lenet');
    const x = tensor(input.values, input.shape);
    const labels = tensor([3, 1, 4], undefined, 'int32');
    const opt = new Adam(model.parameters(), { lr: 1e-2 });
    const losses: number[] = [];
    for (let step = 0; step < 10; step++) {
      losses.push(tidy(() => opt.step(() => crossEntropy(model.forward(x) as Tensor, labels)).item()));
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.7);
  });

  it('keeps BatchNormalization statistics as buffers, the rest as parameters', async () => {
    const model = await loadOnnx(fixture('mlp.onnx').pathname);
    expect(model.namedBuffers().map(([n]) => n)).toEqual(['1.running_mean', '1.running_var']);
    expect(Object.keys(model.stateDict())).toContain('0.weight');
    expect(model.inputNames).toEqual(['input']);
    expect(model.outputNames).toEqual(['output']);
  });
});

/** A one-input graph of `nodes` over x [N, 4] (float), with `initializer`s. */
function graphBytes(nodes: NodeProto[], initializer: object[] = [], opset = 17): Uint8Array {
  const info = (name: string) => ({ name, type: { tensor_type: { elem_type: ONNX_FLOAT } } });
  return encodeModel({
    ir_version: 8,
    opset_import: [{ domain: '', version: opset }],
    graph: { name: 'g', node: nodes, initializer, input: [info('x')], output: [info(nodes.at(-1)!.output![0]!)] },
  });
}

describe('loadOnnx refuses', () => {
  it('every unsupported operator at once, before running anything', async () => {
    const bytes = graphBytes([
      { op_type: 'Relu', input: ['x'], output: ['a'] },
      { op_type: 'Hardmax', input: ['a'], output: ['b'] },
      { op_type: 'Conv', input: ['b', 'b'], output: ['c'], attribute: [{ name: 'ceil_mode', type: ATTR.INT, i: 1 }] },
      { op_type: 'Hardmax', input: ['c'], output: ['d'] },
      { op_type: 'FusedGemm', domain: 'com.microsoft', input: ['d'], output: ['e'] },
    ]);
    const error = await loadOnnx(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toBe(
      'loadOnnx: unsupported operators: Hardmax; node 2 (Conv): ceil_mode is not supported; com.microsoft:FusedGemm',
    );
  });

  it('Resize modes and ConvTranspose attributes it does not run, each named', async () => {
    const str = (name: string, value: string) => ({ name, type: ATTR.STRING, s: new TextEncoder().encode(value) });
    const bytes = graphBytes(
      [
        { op_type: 'Resize', input: ['x', '', 's'], output: ['a'], attribute: [str('mode', 'cubic')] },
        { op_type: 'Resize', input: ['a', '', 's'], output: ['b'], attribute: [str('mode', 'nearest')] },
        {
          op_type: 'ConvTranspose',
          input: ['b', 'b'],
          output: ['c'],
          attribute: [{ name: 'output_shape', type: ATTR.INTS, ints: [4, 4] }],
        },
      ],
      [{ name: 's', dims: [2], data_type: ONNX_FLOAT, raw_data: new Uint8Array(Float32Array.of(1, 2).buffer) }],
    );
    await expect(loadOnnx(bytes)).rejects.toThrow(
      'loadOnnx: unsupported operators: node 0 (Resize): mode cubic with coordinate_transformation_mode half_pixel is not supported (nearest: asymmetric and floor; linear: half_pixel or align_corners); node 1 (Resize): mode nearest with coordinate_transformation_mode half_pixel is not supported (nearest: asymmetric and floor; linear: half_pixel or align_corners); node 2 (ConvTranspose): output_shape is not supported (give pads and output_padding)',
    );
  });

  it('a tensor claiming more values than it carries (before allocating them)', async () => {
    const lying = { name: 'w', dims: [100000, 1000], data_type: ONNX_FLOAT, raw_data: new Uint8Array(16) };
    const bytes = graphBytes([{ op_type: 'Add', input: ['x', 'w'], output: ['y'] }], [lying]);
    await expect(loadOnnx(bytes)).rejects.toThrow(
      "initializer 'w' claims [100000,1000] (100000000 values) but carries 4",
    );
    const short = { name: 'w', dims: [4, 4], data_type: ONNX_FLOAT, raw_data: new Uint8Array(60) };
    const bytes2 = graphBytes([{ op_type: 'Add', input: ['x', 'w'], output: ['y'] }], [short]);
    await expect(loadOnnx(bytes2)).rejects.toThrow("initializer 'w' claims [4,4] (16 values) but carries 15");
  });

  it('truncated files, opsets it does not read, and nodes reading undefined values', async () => {
    const good = readFileSync(fixture('mlp.onnx'));
    await expect(loadOnnx(new Uint8Array(good.subarray(0, good.length - 7)))).rejects.toThrow(FormatError);
    await expect(loadOnnx(graphBytes([{ op_type: 'Relu', input: ['x'], output: ['y'] }], [], 11))).rejects.toThrow(
      'opset 11 is not supported',
    );
    await expect(loadOnnx(graphBytes([{ op_type: 'Relu', input: ['z'], output: ['y'] }]))).rejects.toThrow(
      "node 0 (Relu) reads 'z', which nothing before it defines",
    );
  });
});
