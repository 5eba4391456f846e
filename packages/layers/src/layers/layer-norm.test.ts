import { ShapeError, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { checkLayerCase, checkRoundTrip } from '../../test/layer-parity';
import { LayerNorm } from './layer-norm';

describe('LayerNorm against PyTorch 1.13 (state dict from safetensors, strict)', () => {
  it('LayerNorm(6) over the last axis', () => {
    checkLayerCase('layerNorm', new LayerNorm(6));
    checkRoundTrip('layerNorm', new LayerNorm(6));
  });

  it('LayerNorm([3, 4], { eps: 1e-3, elementwiseAffine: false }) over two axes', () => {
    const make = () => new LayerNorm([3, 4], { eps: 1e-3, elementwiseAffine: false });
    checkLayerCase('layerNorm2d', make());
    checkRoundTrip('layerNorm2d', make());
  });

  it('starts with weight ones and bias zeros; checks its arguments and input', () => {
    const ln = new LayerNorm(3);
    expect(ln.weight!.toArray()).toEqual([1, 1, 1]);
    expect(ln.bias!.toArray()).toEqual([0, 0, 0]);
    expect(() => new LayerNorm([])).toThrow(ValueError);
    expect(() => ln.forward(ln.weight!.reshape([3, 1]))).toThrow(ShapeError);
  });
});
