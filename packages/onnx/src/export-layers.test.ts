/**
 * The 0.2 layers exported, run in ONNX Runtime at another batch size than traced, compared with @nn, and loaded
 * back with loadOnnx. The max differences are printed (they go into the package notes).
 */
import { Module } from '@nn/layers';
import {
  manualSeed,
  maskedFill,
  oneHot,
  randint,
  randn,
  scaledDotProductAttention,
  type Tensor,
  tensor,
} from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Autoencoder, CharGpt, Encoder, GroupedConvs, Pointwise } from '../test/models-02';
import { maxDiff, runOrt } from '../test/ort';
import { exportOnnxBytes } from './export';
import { loadOnnx } from './load';

/** [ONNX Runtime vs @nn, loadOnnx(export) vs @nn] max abs differences on `x`, checking the shapes. */
async function verify(name: string, model: Module, sample: Tensor, x: Tensor, opset = 17): Promise<[number, number]> {
  const bytes = exportOnnxBytes(model, sample, { opset });
  const ort = (await runOrt(bytes, { input: x })).output!;
  model.eval();
  const ours = model.forward(x) as Tensor;
  expect(ort.dims).toEqual(ours.shape);
  const back = (await loadOnnx(bytes)).forward(x) as Tensor;
  expect(back.shape).toEqual(ours.shape);
  const diffs: [number, number] = [maxDiff(ort.data, ours.dataSync()), maxDiff(back.dataSync(), ours.dataSync())];
  console.log(`onnx max abs diff ${name} (opset ${opset}): ORT ${diffs[0].toExponential(2)}, round trip ${diffs[1]}`);
  return diffs;
}

describe('0.2 layers exported to ONNX Runtime and back', () => {
  for (const normFirst of [false, true]) {
    for (const [activation, causal] of [
      ['relu', false],
      ['gelu', true],
    ] as const) {
      it(`a 2-layer TransformerEncoder (normFirst ${normFirst}, ${activation}${causal ? ', causal' : ''})`, async () => {
        manualSeed(10);
        const model = new Encoder({ normFirst, activation }, causal);
        const [ort, back] = await verify(
          `encoder ${normFirst} ${activation}`,
          model,
          randn([2, 5, 16]),
          randn([3, 5, 16]),
        );
        expect(ort).toBeLessThan(1e-4);
        expect(back).toBeLessThan(1e-5);
      });
    }
  }

  it('a TransformerEncoder at opset 13 (LayerNorm as its definition)', async () => {
    manualSeed(11);
    const model = new Encoder({ normFirst: true, activation: 'gelu' }, true);
    const [ort, back] = await verify('encoder', model, randn([2, 5, 16]), randn([3, 5, 16]), 13);
    expect(ort).toBeLessThan(1e-4);
    expect(back).toBeLessThan(1e-5);
  });

  for (const [mode, alignCorners] of [
    ['nearest', undefined],
    ['bilinear', false],
    ['bilinear', true],
  ] as const) {
    it(`an autoencoder: Conv2d down, ConvTranspose2d and Upsample ${mode}${alignCorners ? ' alignCorners' : ''} up`, async () => {
      manualSeed(12);
      const model = new Autoencoder(mode, alignCorners);
      const [ort, back] = await verify(
        `autoencoder ${mode} ${alignCorners}`,
        model,
        randn([2, 1, 16, 16]),
        randn([3, 1, 16, 16]),
      );
      expect(ort).toBeLessThan(1e-4);
      expect(back).toBeLessThan(1e-5);
    });
  }

  it('a char-GPT: embeddings, causal pre-norm GELU blocks, a Linear head (int32 tokens in)', async () => {
    manualSeed(13);
    const model = new CharGpt(11, 8);
    const [ort, back] = await verify('char-GPT', model, randint(0, 11, [2, 8]), randint(0, 11, [4, 8]));
    expect(ort).toBeLessThan(1e-4);
    expect(back).toBeLessThan(1e-5);
  });

  it('grouped, dilated, depthwise and transposed grouped convolutions', async () => {
    manualSeed(14);
    const [ort, back] = await verify('grouped convs', new GroupedConvs(), randn([2, 4, 9, 9]), randn([3, 4, 9, 9]));
    expect(ort).toBeLessThan(1e-4);
    expect(back).toBeLessThan(1e-5);
  });

  it('the new unary kernels, adaptive pooling, topk and cumsum', async () => {
    manualSeed(15);
    const model = new Pointwise();
    const x = randn([3, 4, 6, 6]).mul(2);
    const [ort, back] = await verify('pointwise', model, randn([2, 4, 6, 6]), x);
    // Sums of 64 values near 30: float32 rounding is relative to their size. log1p, expm1 and rsqrt are
    // decomposed, so the round trip is not bit-identical here.
    const size = model.forward(x).abs().max().item();
    expect(size).toBeGreaterThan(100);
    expect(ort / size).toBeLessThan(1e-6);
    expect(back / size).toBeLessThan(1e-6);
  });

  it('attention with an int32 mask that hides a whole row, and with an additive mask (rows of zeros as @nn)', async () => {
    manualSeed(17);
    const keep = tensor([1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1], [3, 4], 'int32');
    const add = tensor([0, -Infinity, 0, -1, -Infinity, -Infinity, -Infinity, -Infinity, 0.5, 0, 0, 0], [3, 4]);
    class Masked extends Module {
      wk = randn([6, 6]);
      forward(x: Tensor): Tensor {
        const k = x.matmul(this.wk);
        const a = scaledDotProductAttention(x.slice([0, 0, 0], [x.shape[0]!, 3, 6]), k, x, { attnMask: keep });
        const b = scaledDotProductAttention(x.slice([0, 1, 0], [x.shape[0]!, 3, 6]), k, x, { attnMask: add });
        return a.add(b);
      }
    }
    const model = new Masked();
    const x = randn([3, 4, 6]);
    const [ort, back] = await verify('masked attention', model, randn([2, 4, 6]), x);
    expect(model.forward(x).slice([0, 1, 0], [3, 1, 6]).abs().max().item()).toBe(0);
    expect(ort).toBeLessThan(1e-5);
    expect(back).toBeLessThan(1e-5);
  });

  it('maskedFill and oneHot', async () => {
    manualSeed(16);
    class Masked extends Module {
      forward(x: Tensor): Tensor {
        const filled = maskedFill(x, x.greater(0.5), -2);
        const hot = oneHot(x.argmax(-1), 4).mul(3);
        return filled.add(hot);
      }
    }
    const [ort, back] = await verify('maskedFill', new Masked(), randn([2, 4]), randn([5, 4]));
    expect(ort).toBe(0);
    expect(back).toBe(0);
  });
});
