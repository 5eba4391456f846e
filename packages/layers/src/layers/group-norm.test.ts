import { ShapeError, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { checkLayerCase, checkRoundTrip } from '../../test/layer-parity';
import { GroupNorm } from './group-norm';
import { Identity } from './identity';

describe('GroupNorm and Identity against PyTorch 1.13 (state dict from safetensors, strict)', () => {
  it('GroupNorm(2, 6) on [N, C, H, W]: output, input and parameter gradients', () => {
    checkLayerCase('groupNorm', new GroupNorm(2, 6));
    checkRoundTrip('groupNorm', new GroupNorm(2, 6));
  });

  it('GroupNorm(3, 3, { eps: 1e-3, affine: false }) on [N, C, L]', () => {
    checkLayerCase('groupNormNoAffine', new GroupNorm(3, 3, { eps: 1e-3, affine: false }));
    checkRoundTrip('groupNormNoAffine', new GroupNorm(3, 3, { eps: 1e-3, affine: false }));
  });

  it('Identity', () => {
    checkLayerCase('identity', new Identity());
    checkRoundTrip('identity', new Identity());
  });
});

describe('GroupNorm', () => {
  it('starts with weight ones and bias zeros; checks its arguments and input', () => {
    const gn = new GroupNorm(2, 4);
    expect(gn.weight!.toArray()).toEqual([1, 1, 1, 1]);
    expect(gn.bias!.toArray()).toEqual([0, 0, 0, 0]);
    expect(() => new GroupNorm(3, 4)).toThrow(
      new ValueError('GroupNorm: numChannels (4) must be divisible by numGroups (3)'),
    );
    expect(() => gn.forward(gn.weight!.reshape([1, 1, 4]))).toThrow(
      new ShapeError('GroupNorm: expected input [N, 4, *], got [1,1,4]'),
    );
  });
});
