import { concat, ShapeError, tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { fromJson, type TensorJson } from '../../test/helpers';
import { type Call, checkLayerCase, checkRoundTrip, layerCase } from '../../test/layer-parity';
import type { AttentionForwardOptions } from './attention';
import { MultiheadAttention } from './attention';

const make = () => new MultiheadAttention(8, 2);
const int32 = (values: number[], shape: number[]) => tensor(values, shape, 'int32');

/** Calls forward with `options`; with needWeights the output and weights flattened one after the other. */
function call(options: AttentionForwardOptions): Call {
  return (module, [q, k, v]) => {
    const { output, weights } = (module as MultiheadAttention).forward(q!, k!, v!, options);
    return weights === null ? output : concat([output.reshape([-1]), weights.reshape([-1])]);
  };
}

describe('MultiheadAttention against PyTorch 1.13 (state dict from safetensors, strict)', () => {
  it('PyTorch names and order: in_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias', () => {
    expect(Object.keys(make().stateDict())).toEqual(layerCase('mha').keys);
    checkLayerCase('mha', make(), call({}));
    checkRoundTrip('mha', make(), call({}));
  });

  it('needWeights: the weights averaged over the heads', () => {
    checkLayerCase('mhaWeights', make(), call({ needWeights: true }));
  });

  it('attnMask: int32 (1 = may not attend, as PyTorch) and additive float', () => {
    const c = layerCase('mhaAttnMask');
    checkLayerCase('mhaAttnMask', make(), call({ attnMask: int32(c.attnMask as number[], [4, 5]) }));
    const f = layerCase('mhaFloatMask');
    checkLayerCase('mhaFloatMask', make(), call({ attnMask: fromJson(f.floatMask as TensorJson) }));
  });

  it('keyPaddingMask (int32, 1 = padding) with the weights', () => {
    const c = layerCase('mhaKeyPadding');
    const keyPaddingMask = int32(c.keyPaddingMask as number[], [2, 5]);
    checkLayerCase('mhaKeyPadding', make(), call({ keyPaddingMask, needWeights: true }));
  });

  it('isCausal equals PyTorch with the square subsequent mask, with and without needWeights', () => {
    checkLayerCase('mhaCausal', make(), call({ isCausal: true }));
    // The weights path builds the causal mask itself: its output must be the same.
    const outputOfWeightsPath: Call = (module, inputs) =>
      call({ isCausal: true, needWeights: true })(module, inputs)
        .slice([0], [2 * 4 * 8])
        .reshape([2, 4, 8]);
    checkLayerCase('mhaCausal', make(), outputOfWeightsPath);
  });

  it('bias: false', () => {
    checkLayerCase('mhaNoBias', new MultiheadAttention(8, 2, { bias: false }), call({}));
  });

  it('PyTorch init: xavier-uniform in_proj_weight, zero biases; argument checks', () => {
    const mha = new MultiheadAttention(16, 4);
    const bound = Math.sqrt(6 / (16 + 48));
    const w = Array.from(mha.in_proj_weight.dataSync(), Math.abs);
    expect(Math.max(...w)).toBeLessThanOrEqual(bound);
    expect(Math.max(...w)).toBeGreaterThan(0.9 * bound);
    expect(Array.from(mha.in_proj_bias!.dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(mha.out_proj.bias!.dataSync()).every((v) => v === 0)).toBe(true);
    expect(() => new MultiheadAttention(10, 3)).toThrow(
      new ValueError('MultiheadAttention: embedDim (10) must be divisible by numHeads (3)'),
    );
    const x = tensor(new Array(2 * 3 * 16).fill(0.5), [2, 3, 16]);
    expect(() => mha.forward(x, x, x, { keyPaddingMask: int32([0, 0], [1, 2]) })).toThrow(ShapeError);
    expect(() => mha.forward(x, x, x, { key_padding_mask: 1 } as never)).toThrow(ValueError);
  });

  it('batchFirst: false takes [L, N, E] and unbatched [L, E] works too', () => {
    const mha = make();
    const batched = new MultiheadAttention(8, 2, { batchFirst: false });
    batched.loadStateDict(mha.stateDict());
    const x = tensor(
      Array.from({ length: 2 * 3 * 8 }, (_, i) => Math.sin(i)),
      [2, 3, 8],
    );
    const expected = mha.forward(x, x, x).output;
    const seqFirst = batched.forward(x.transpose([1, 0, 2]), x.transpose([1, 0, 2]), x.transpose([1, 0, 2])).output;
    expect(Array.from(seqFirst.transpose([1, 0, 2]).dataSync())).toEqual(Array.from(expected.dataSync()));
    const single = x.slice([0, 0, 0], [1, 3, 8]).reshape([3, 8]);
    const unbatched = mha.forward(single, single, single).output;
    expect(unbatched.shape).toEqual([3, 8]);
    expect(Array.from(unbatched.dataSync())).toEqual(Array.from(expected.slice([0, 0, 0], [1, 3, 8]).dataSync()));
  });
});
