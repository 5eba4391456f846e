import { tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { type Call, checkLayerCase, checkRoundTrip, layerCase } from '../../test/layer-parity';
import { TransformerEncoder, TransformerEncoderLayer } from './transformer';

const encoder = (normFirst: boolean, activation: 'relu' | 'gelu') =>
  new TransformerEncoder(
    new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0, activation, normFirst }),
    2,
  );

describe('TransformerEncoder (2 layers) against PyTorch 1.13 (state dict from safetensors, strict)', () => {
  for (const normFirst of [false, true]) {
    for (const activation of ['relu', 'gelu'] as const) {
      const name = `encoder_${normFirst ? 'pre' : 'post'}_${activation}`;
      it(`normFirst ${normFirst}, ${activation}: train mode (dropout 0), and eval mode with a causal mask and padding`, () => {
        checkLayerCase(`${name}_train`, encoder(normFirst, activation));
        const c = layerCase(`${name}_eval`);
        const srcKeyPaddingMask = tensor(c.srcKeyPaddingMask as number[], [2, 5], 'int32');
        const masked: Call = (module, [src]) =>
          (module as TransformerEncoder).forward(src!, { isCausal: true, srcKeyPaddingMask });
        checkLayerCase(`${name}_eval`, encoder(normFirst, activation), masked);
        checkRoundTrip(`${name}_eval`, encoder(normFirst, activation), masked);
      });
    }
  }

  it('TransformerEncoderLayer alone, with PyTorch names (self_attn, linear1, linear2, norm1, norm2)', () => {
    checkLayerCase('encoderLayer', new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 }));
  });

  it("PyTorch's defaults; copies start equal and are independent; argument checks", () => {
    const layer = new TransformerEncoderLayer(8, 2);
    expect(layer.getConfig()).toEqual({
      dModel: 8,
      nhead: 2,
      dimFeedforward: 2048,
      dropout: 0.1,
      activation: 'relu',
      layerNormEps: 1e-5,
      normFirst: false,
      batchFirst: true,
    });
    const stack = new TransformerEncoder(layer, 3);
    expect(Object.keys(stack.stateDict())).toContain('layers.2.self_attn.out_proj.bias');
    const w = (i: number) => Array.from(stack.stateDict()[`layers.${i}.linear1.weight`]!.dataSync());
    expect(w(1)).toEqual(w(0));
    expect(stack.stateDict()['layers.1.linear1.weight']).not.toBe(stack.stateDict()['layers.0.linear1.weight']);
    expect(() => new TransformerEncoderLayer(8, 2, { activation: 'tanh' as never })).toThrow(ValueError);
    expect(() => new TransformerEncoder(layer, 0)).toThrow(
      'TransformerEncoder: numLayers must be a positive integer, got 0',
    );
  });
});
