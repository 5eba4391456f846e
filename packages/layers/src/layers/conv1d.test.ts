import { ShapeError, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { checkLayerCase, checkRoundTrip } from '../../test/layer-parity';
import { ConvTranspose2d } from './conv-transpose';
import { Conv1d } from './conv1d';

describe('Conv1d and ConvTranspose2d against PyTorch 1.13 (state dict from safetensors, strict)', () => {
  it('Conv1d with stride, padding and dilation; without bias', () => {
    const make = () => new Conv1d(3, 4, 3, { stride: 2, padding: 1, dilation: 2 });
    checkLayerCase('conv1d', make());
    checkRoundTrip('conv1d', make());
    checkLayerCase('conv1dNoBias', new Conv1d(2, 3, 4, { bias: false }));
  });

  it('ConvTranspose2d with stride, padding and outputPadding; rectangular kernel without bias', () => {
    const make = () => new ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 });
    checkLayerCase('convTranspose2d', make());
    checkRoundTrip('convTranspose2d', make());
    checkLayerCase('convTranspose2dNoBias', new ConvTranspose2d(2, 3, [2, 3], { bias: false }));
  });

  it("PyTorch's weight shapes and init bounds (1 / sqrt(fan-in)), and argument checks", () => {
    const conv = new Conv1d(4, 6, 5, { groups: 2 });
    expect(conv.weight.shape).toEqual([6, 2, 5]);
    expect(Math.max(...Array.from(conv.weight.dataSync(), Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(10));
    const transposed = new ConvTranspose2d(4, 6, 3);
    // The fan-in of a transposed convolution is outChannels * kH * kW (the weight's second axis), as PyTorch.
    expect(transposed.weight.shape).toEqual([4, 6, 3, 3]);
    const bound = 1 / Math.sqrt(6 * 9);
    expect(Math.max(...Array.from(transposed.weight.dataSync(), Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(transposed.weight.dataSync(), Math.abs))).toBeGreaterThan(bound * 0.9);
    expect(() => new Conv1d(3, 4, 2, { groups: 2 })).toThrow(ValueError);
    expect(() => conv.forward(transposed.weight)).toThrow(
      new ShapeError('Conv1d: expected input [N, 4, L], got [4,6,3,3]'),
    );
  });
});
