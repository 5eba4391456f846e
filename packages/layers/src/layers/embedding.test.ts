import { DTypeError, IndexError, manualSeed, tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { checkLayerCase, checkRoundTrip } from '../../test/layer-parity';
import { Embedding } from './embedding';

describe('Embedding against PyTorch 1.13 (state dict from safetensors, strict)', () => {
  it('gathers rows; a repeated id sums its gradients', () => {
    checkLayerCase('embedding', new Embedding(10, 4));
    checkRoundTrip('embedding', new Embedding(10, 4));
  });

  it('paddingIdx: the padding row (non-zero after loading) comes out but gets a zero gradient', () => {
    checkLayerCase('embeddingPadding', new Embedding(7, 3, { paddingIdx: 0 }));
    checkLayerCase('embeddingNegativePadding', new Embedding(6, 2, { paddingIdx: -1 }));
    checkRoundTrip('embeddingPadding', new Embedding(7, 3, { paddingIdx: 0 }));
  });
});

describe('Embedding', () => {
  it('starts as N(0, 1) with the padding row zero, as PyTorch', () => {
    manualSeed(3);
    const emb = new Embedding(400, 50, { paddingIdx: -2 });
    expect(emb.paddingIdx).toBe(398);
    const w = Array.from(emb.weight.dataSync());
    const row = w.slice(398 * 50, 399 * 50);
    expect(row.every((v) => v === 0)).toBe(true);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(std - 1)).toBeLessThan(0.02);
    expect(emb.getConfig()).toEqual({ numEmbeddings: 400, embeddingDim: 50, paddingIdx: 398 });
  });

  it('refuses bad arguments and ids, naming them', () => {
    expect(() => new Embedding(5, 2, { paddingIdx: 5 })).toThrow(
      new ValueError('Embedding: paddingIdx must be an integer in [-5, 5), got 5'),
    );
    expect(() => new Embedding(5, 0)).toThrow('Embedding: embeddingDim must be a positive integer, got 0');
    expect(() => new Embedding(5, 2, { padding_idx: 0 } as never)).toThrow(ValueError);
    const emb = new Embedding(5, 2);
    expect(() => emb.forward(tensor([1, 2]))).toThrow(new DTypeError('Embedding: ids must be int32, got float32 [2]'));
    expect(() => emb.forward(tensor([1, 5], [2], 'int32'))).toThrow(IndexError);
  });
});
