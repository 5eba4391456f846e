/**
 * The examples' own models (not look-alikes) exported with @nn/onnx, run in ONNX Runtime at another batch size
 * than traced, compared with @nn in eval mode, and loaded back with loadOnnx (issue 20: "the ResNet and
 * autoencoder of the examples", "char-GPT"). The max differences are printed for the package notes.
 */
import type { Module } from '@nn/layers';
import { exportOnnxBytes, loadOnnx } from '@nn/onnx';
import { manualSeed, randint, randn, setBackend, type Tensor } from '@nn/tensor';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { autoencoder, ConvAutoencoder } from './autoencoder/autoencoder';
import { charGpt, gptFor } from './char-gpt/char-gpt';
import { network20 } from './resnet/network';
import { resnet } from './resnet/resnet';

/** The largest absolute difference between two arrays of the same length. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** [ONNX Runtime vs @nn, loadOnnx(export) vs @nn] max abs differences on `x`, checking the shapes. */
async function verify(name: string, model: Module, sample: Tensor, x: Tensor): Promise<[number, number]> {
  model.eval();
  const bytes = exportOnnxBytes(model, sample);
  const ours = model.forward(x) as Tensor;

  const session = await InferenceSession.create(bytes);
  const data = x.dtype === 'int32' ? (x.dataSync() as Int32Array) : Float32Array.from(x.dataSync());
  const results = await session.run({ input: new OrtTensor(x.dtype === 'int32' ? 'int32' : 'float32', data, x.shape) });
  await session.release();
  const ort = results.output!;
  expect(ort.dims).toEqual(ours.shape);

  const back = (await loadOnnx(bytes)).forward(x) as Tensor;
  expect(back.shape).toEqual(ours.shape);
  const diffs: [number, number] = [
    maxAbsDiff(ort.data as Float32Array, ours.dataSync()),
    maxAbsDiff(back.dataSync(), ours.dataSync()),
  ];
  console.log(`onnx max abs diff, example ${name}: ORT ${diffs[0].toExponential(2)}, round trip ${diffs[1]}`);
  return diffs;
}

describe('the examples exported to ONNX Runtime and back (cpu backend)', () => {
  beforeAll(() => setBackend('cpu'));

  it("resnet: the 20-layer ResNet at the full run's width, BatchNorm with running statistics", async () => {
    manualSeed(20);
    const model = network20(resnet.full.width, true);
    // A few training-mode batches move the running statistics off their (0, 1) start, so eval mode is tested.
    for (let i = 0; i < 2; i++) model.forward(randn([4, 1, 28, 28]).add(0.5)).dispose();
    const [ort, back] = await verify('resnet-20', model, randn([2, 1, 28, 28]), randn([3, 1, 28, 28]));
    expect(ort).toBeLessThan(1e-4);
    expect(back).toBeLessThan(1e-5);
  });

  it('resnet: the plain 20-layer network (no skip connections)', async () => {
    manualSeed(21);
    const model = network20(resnet.full.width, false);
    for (let i = 0; i < 2; i++) model.forward(randn([4, 1, 28, 28]).add(0.5)).dispose();
    const [ort, back] = await verify('plain-20', model, randn([2, 1, 28, 28]), randn([3, 1, 28, 28]));
    expect(ort).toBeLessThan(1e-4);
    expect(back).toBeLessThan(1e-5);
  });

  it('autoencoder: the convolutional autoencoder (Conv2d down, ConvTranspose2d up, sigmoid)', async () => {
    manualSeed(22);
    const [ort, back] = await verify(
      'autoencoder',
      new ConvAutoencoder(autoencoder.full.codeSize),
      randn([2, 1, 28, 28]),
      randn([3, 1, 28, 28]),
    );
    expect(ort).toBeLessThan(1e-4);
    expect(back).toBeLessThan(1e-5);
  });

  it("char-gpt: nanoGPT's baby GPT of the full run (causal attention, GELU, tied head) on int32 token ids", async () => {
    manualSeed(23);
    // 65: tinyshakespeare's characters (model.test.ts checks the count); blockSize tokens, as in training.
    const { blockSize } = charGpt.full;
    const model = gptFor(charGpt.full, 65);
    const [ort, back] = await verify('char-gpt', model, randint(0, 65, [1, blockSize]), randint(0, 65, [2, blockSize]));
    expect(ort).toBeLessThan(1e-4);
    expect(back).toBeLessThan(1e-5);
  });
});
