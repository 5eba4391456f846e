import { valueAndGrad } from '@nn/autograd';
import { gradcheck } from '@nn/autograd/testing';
import { randn, type Tensor, tidy } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { batchNormTraining } from './batchnorm-train';

const f64 = (shape: number[], seed: number) => randn(shape, { dtype: 'float64', seed });

/** The tape's gradient of the same normalisation written with plain ops: the reference for the closed form. */
function composite(x: Tensor, w: Tensor | null, b: Tensor | null, axes: number[]): Tensor {
  const channelShape = x.shape.map((d, i) => (i === 1 ? d : 1));
  const mean = x.mean(axes, true);
  const variance = x.sub(mean).square().mean(axes, true);
  let y = x.sub(mean).div(variance.add(1e-5).sqrt());
  if (w !== null) y = y.mul(w.reshape(channelShape));
  if (b !== null) y = y.add(b.reshape(channelShape));
  return y;
}

describe('batchNormTraining: the closed-form backward', () => {
  it('passes gradcheck in x, weight and bias ([N, C, H, W] over N, H, W)', () => {
    const weighted = f64([2, 3, 4, 3], 9);
    const f = (x: Tensor, w: Tensor, b: Tensor) => batchNormTraining(x, w, b, [0, 2, 3], 1e-5).y.mul(weighted).sum();
    expect(gradcheck(f, [f64([2, 3, 4, 3], 1), f64([3], 2), f64([3], 3)])).toBe(true);
  });

  it('passes gradcheck without affine parameters ([N, C] over N)', () => {
    const weighted = f64([5, 4], 8);
    const f = (x: Tensor) => batchNormTraining(x, null, null, [0], 1e-5).y.mul(weighted).sum();
    expect(gradcheck(f, [f64([5, 4], 4)])).toBe(true);
  });

  it('gives the value and gradients of the composite ops, and the same value off the tape', () => {
    tidy(() => {
      const [x, w, b, weighted] = [f64([3, 2, 5], 5), f64([2], 6), f64([2], 7), f64([3, 2, 5], 10)];
      const closed = valueAndGrad((...t: Tensor[]) =>
        batchNormTraining(t[0]!, t[1]!, t[2]!, [0, 2], 1e-5).y.mul(weighted).sum(),
      );
      const tape = valueAndGrad((...t: Tensor[]) => composite(t[0]!, t[1]!, t[2]!, [0, 2]).mul(weighted).sum());
      const [a, e] = [closed(x, w, b), tape(x, w, b)];
      expect(a.value.item()).toBeCloseTo(e.value.item(), 12);
      a.grads.forEach((g, i) => {
        const expected = e.grads[i]!.dataSync();
        g.dataSync().forEach((v, j) => {
          expect(v).toBeCloseTo(expected[j]!, 10);
        });
      });
      const offTape = batchNormTraining(x, w, b, [0, 2], 1e-5).y.dataSync();
      const onTape = composite(x, w, b, [0, 2]).dataSync();
      offTape.forEach((v, j) => {
        expect(v).toBeCloseTo(onTape[j]!, 12);
      });
    });
  });
});
