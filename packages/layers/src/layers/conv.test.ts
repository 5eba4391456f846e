import { ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { checkLayerCase, checkRoundTrip } from '../../test/layer-parity';
import { Conv2d } from './conv';

describe('Conv2d dilation and groups against PyTorch 1.13 (state dict from safetensors, strict)', () => {
  it('grouped and dilated, with a stride pair and padding', () => {
    const make = () => new Conv2d(4, 6, 3, { stride: [1, 2], padding: 2, dilation: 2, groups: 2 });
    checkLayerCase('conv2dGroupsDilation', make());
    checkRoundTrip('conv2dGroupsDilation', make());
  });

  it('depthwise (groups = channels) with a rectangular kernel and no bias', () => {
    checkLayerCase('conv2dDepthwise', new Conv2d(3, 3, [3, 2], { groups: 3, bias: false }));
  });

  it("PyTorch's weight shape and init bound for groups, and the argument checks", () => {
    const conv = new Conv2d(8, 4, 3, { groups: 4 });
    expect(conv.weight.shape).toEqual([4, 2, 3, 3]);
    expect(Math.max(...Array.from(conv.weight.dataSync(), Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(2 * 9));
    expect(() => new Conv2d(6, 4, 3, { groups: 4 })).toThrow(
      new ValueError('Conv2d: inChannels (6) and outChannels (4) must be divisible by groups (4)'),
    );
    expect(() => new Conv2d(4, 4, 3, { groups: 0 })).toThrow(ValueError);
    expect(() => new Conv2d(4, 4, 3, { dilation: [1, 0] })).toThrow(
      new ValueError('Conv2d: dilation must be an integer >= 1 or a pair of them, got [1, 0]'),
    );
    expect(new Conv2d(4, 4, 3, { dilation: 2, groups: 2 }).getConfig()).toMatchObject({ dilation: 2, groups: 2 });
  });
});
