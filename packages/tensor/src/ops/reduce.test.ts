/**
 * Reductions over a 0-d tensor. PyTorch 1.13 treats a scalar as one axis of size 1 for dim arguments
 * (`maybe_wrap_dim(..., wrap_scalar=true)`): dim 0 and -1 are accepted, 1 and -2 are out of range, the result
 * stays 0-d even with keepdim, and `[0, -1]` is a repeated dim. Checked against torch 1.13:
 *   torch.tensor(3.).sum(-1) -> tensor(3.)      torch.tensor(3.).amax(0, keepdim=True) -> tensor(3.)
 *   torch.tensor(3.).argmax(-1) -> tensor(0)    torch.softmax(torch.tensor(3.), -1) -> tensor(1.)
 *   torch.tensor(3.).sum(1) -> IndexError       torch.tensor(3.).sum([0, -1]) -> "dim 0 appears multiple times"
 */
import { argmax, logSoftmax, max, mean, memory, min, softmax, sum, tensor, tidy, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectNNError } from './bad-input.test-util';

const reductions = { sum, mean, max, min };
const scalarAxes = [0, -1, [0], [-1]] as const;

describe('reductions of a 0-d tensor take axis 0 or -1, like PyTorch', () => {
  for (const [name, reduce] of Object.entries(reductions)) {
    for (const axis of scalarAxes) {
      for (const keepDims of [false, true]) {
        it(`${name}(scalar, ${JSON.stringify(axis)}, keepDims=${keepDims}) is the scalar itself`, () => {
          const x = tensor(3);
          const y = reduce(x, axis, keepDims);
          expect(y.shape).toEqual([]);
          expect(y.dtype).toBe('float32');
          expect(y.item()).toBe(3);
          x.dispose();
          y.dispose();
        });
      }
    }
  }

  it('keeps the dtype: int32 sum/max/min, float64 mean', () => {
    const i = tensor(7, undefined, 'int32');
    for (const y of [sum(i, -1), max(i, 0), min(i, [-1])]) {
      expect([y.dtype, y.shape, y.item()]).toEqual(['int32', [], 7]);
    }
    const f = tensor(2.5, undefined, 'float64');
    const m = mean(f, -1, true);
    expect([m.dtype, m.shape, m.item()]).toEqual(['float64', [], 2.5]);
  });

  it('argmax(scalar, 0 | -1) is int32 0, 0-d, and leaves nothing behind', () => {
    const x = tensor(-4);
    const before = memory();
    for (const axis of [0, -1]) {
      const y = argmax(x, axis);
      expect([y.dtype, y.shape, y.item()]).toEqual(['int32', [], 0]);
      y.dispose();
    }
    expect(memory()).toEqual(before);
    x.dispose();
  });

  it('softmax and logSoftmax of a scalar (default axis -1) are 1 and 0', () => {
    tidy(() => {
      const x = tensor(3);
      for (const axis of [undefined, 0, -1]) {
        expect(softmax(x, axis).shape).toEqual([]);
        expect(softmax(x, axis).item()).toBeCloseTo(1, 6);
        expect(logSoftmax(x, axis).item()).toBeCloseTo(0, 6);
      }
    });
  });

  it('rejects other axes on a 0-d tensor, and axis 0 and -1 together (the same axis)', () => {
    const x = tensor(3);
    for (const [name, reduce] of Object.entries(reductions)) {
      expectNNError(() => reduce(x, 1), ValueError, name, ['axis 1', 'rank 0']);
      expectNNError(() => reduce(x, -2), ValueError, name, ['axis -2', 'rank 0']);
      expectNNError(() => reduce(x, 0.5), ValueError, name, ['axis 0.5']);
      expectNNError(() => reduce(x, [0, -1]), ValueError, name, ['repeated axis', '[0,-1]']);
    }
    expectNNError(() => argmax(x, 1), ValueError, 'argmax', ['axis 1', 'rank 0']);
    expectNNError(() => softmax(x, -2), ValueError, 'softmax', ['axis -2', 'rank 0']);
    expectNNError(() => logSoftmax(x, 1), ValueError, 'logSoftmax', ['axis 1', 'rank 0']);
  });

  it('leaves reductions of tensors with axes as they were', () => {
    const x = tensor([
      [1, 5],
      [3, 2],
    ]);
    expect(sum(x, -1).toArray()).toEqual([6, 5]);
    expect(max(x, 0, true).toArray()).toEqual([[3, 5]]);
    expect(argmax(x, -1).toArray()).toEqual([1, 0]);
    expect(() => sum(tensor([1, 2]), -2)).toThrow(ValueError);
  });
});
