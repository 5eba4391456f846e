import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { conv1d, conv2d, convTranspose2d } from './conv';
import { ones, randn, tensor } from './create';

describe('conv1d, conv2d dilation/groups, convTranspose2d: shapes and argument errors', () => {
  it('gives the README examples their shapes', () => {
    expect(conv2d(randn([1, 4, 8, 8]), randn([4, 1, 3, 3]), { padding: 1, dilation: 1, groups: 4 }).shape).toEqual([
      1, 4, 8, 8,
    ]);
    expect(conv1d(randn([2, 3, 10]), randn([5, 3, 3]), { stride: 2, padding: 1, dilation: 1 }).shape).toEqual([
      2, 5, 5,
    ]);
    const up = convTranspose2d(randn([1, 4, 5, 5]), randn([4, 2, 3, 3]), { stride: 2, padding: 1, outputPadding: 1 });
    expect(up.shape).toEqual([1, 2, 10, 10]);
  });

  it("keeps the length with 'same' padding for even and dilated kernels", () => {
    expect(conv1d(randn([1, 2, 7]), randn([3, 2, 4]), { padding: 'same' }).shape).toEqual([1, 3, 7]);
    expect(conv2d(randn([1, 1, 5, 6]), randn([1, 1, 3, 2]), { padding: 'same', dilation: 2 }).shape).toEqual([
      1, 1, 5, 6,
    ]);
  });

  it('convTranspose2d groups: each input group scatters into its own output channels', () => {
    // Two groups of one channel, 1x1 kernels 2 and 3: the output is the input scaled per channel.
    const y = convTranspose2d(tensor([1, 2, 3, 4], [1, 2, 1, 2]), tensor([2, 3], [2, 1, 1, 1]), { groups: 2 });
    expect(Array.from(y.dataSync())).toEqual([2, 4, 9, 12]);
  });

  it('refuses channels that do not split into the groups, and bad options, naming the op', () => {
    expect(() => conv2d(ones([1, 4, 5, 5]), ones([6, 3, 3, 3]), { groups: 2 })).toThrow(ShapeError);
    expect(() => conv2d(ones([1, 4, 5, 5]), ones([3, 2, 3, 3]), { groups: 2 })).toThrow(/do not split into 2 groups/);
    expect(() => conv2d(ones([1, 2, 5, 5]), ones([2, 2, 3, 3]), { dilation: 0 })).toThrow(ValueError);
    expect(() => conv2d(ones([1, 2, 4, 4]), ones([2, 2, 3, 3]), { dilation: 2 })).toThrow(/conv2d/);
    expect(() => conv1d(ones([1, 4, 5]), ones([2, 3, 3]), { groups: 2 })).toThrow(/conv1d: input \[1,4,5\]/);
    expect(() => conv1d(ones([1, 2, 5]), ones([2, 2, 3]), { dilaton: 2 } as never)).toThrow(/did you mean 'dilation'/);
    expect(() => conv1d(ones([1, 2, 2]), ones([2, 2, 3]))).toThrow(/conv1d: kernel of 3 taps/);
    expect(() => conv1d(ones([1, 2, 5]), ones([2, 2, 3], 'int32'))).toThrow(DTypeError);
    expect(() => convTranspose2d(ones([1, 2, 3, 3]), ones([2, 1, 3, 3]), { stride: 2, outputPadding: 2 })).toThrow(
      /outputPadding \[2,2\] must be smaller than stride \[2,2\]/,
    );
    expect(() => convTranspose2d(ones([1, 3, 3, 3]), ones([2, 1, 3, 3]))).toThrow(/needs 2 channels/);
    expect(() => convTranspose2d(ones([1, 3, 3, 3]), ones([3, 1, 3, 3]), { groups: 2 })).toThrow(/divide by 2/);
    expect(() => convTranspose2d(ones([1, 1, 1, 1]), ones([1, 1, 1, 1]), { padding: 1 })).toThrow(/leaves no output/);
  });
});
