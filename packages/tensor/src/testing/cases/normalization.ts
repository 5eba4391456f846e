/** layerNorm and its backward kernel, against naive float64 loops over the same seeded inputs. */
import { layerNorm, layerNormBackward, randn, tensor } from '@nn/tensor';
import { type Dense, expectDense, randnValues } from '../reference';
import type { ConformanceCase } from '../types';

/** Rows of n: (x - mean) / sqrt(var + eps) * w + b, and the gradient dx of sum(dy * that) when dy is given. */
function refLayerNorm(x: Dense, n: number, eps: number, w?: number[], b?: number[], dy?: number[]): Dense {
  const out: number[] = [];
  for (let base = 0; base < x.values.length; base += n) {
    const row = x.values.slice(base, base + n);
    const mean = row.reduce((a, v) => a + v, 0) / n;
    const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / n;
    const rstd = 1 / Math.sqrt(variance + eps);
    const xhat = row.map((v) => (v - mean) * rstd);
    if (dy === undefined) {
      out.push(...xhat.map((v, j) => v * (w?.[j] ?? 1) + (b?.[j] ?? 0)));
      continue;
    }
    const g = xhat.map((_, j) => dy[base + j]! * (w?.[j] ?? 1));
    const meanG = g.reduce((a, v) => a + v, 0) / n;
    const meanGX = g.reduce((a, v, j) => a + v * xhat[j]!, 0) / n;
    out.push(...g.map((gj, j) => rstd * (gj - meanG - xhat[j]! * meanGX)));
  }
  return { shape: x.shape, values: out };
}

export const normalizationCases: ConformanceCase[] = [
  {
    name: 'layerNorm: one trailing axis, weight and bias',
    kernels: ['LayerNorm'],
    run: () =>
      layerNorm(randn([4, 6], { seed: 60 }), [6], { weight: randn([6], { seed: 61 }), bias: randn([6], { seed: 62 }) }),
    expected: () =>
      expectDense(
        refLayerNorm(randnValues([4, 6], 60), 6, 1e-5, randnValues([6], 61).values, randnValues([6], 62).values),
      ),
  },
  {
    name: 'layerNorm: two trailing axes, no affine, large offset',
    kernels: ['LayerNorm'],
    // Inputs are uploaded, never computed: webgpu's declared CPU fallback can only read uploaded data synchronously.
    run: () =>
      layerNorm(
        tensor(
          randnValues([2, 3, 4], 63).values.map((v) => v + 1000),
          [2, 3, 4],
        ),
        [3, 4],
        { eps: 1e-3 },
      ),
    expected: () => {
      const x = randnValues([2, 3, 4], 63);
      return expectDense(refLayerNorm({ ...x, values: x.values.map((v) => Math.fround(v + 1000)) }, 12, 1e-3));
    },
    tolerance: 1e-3,
  },
  {
    name: 'layerNorm: rows of one element are 0 (plus bias)',
    kernels: ['LayerNorm'],
    run: () => layerNorm(tensor([[3], [-7]]), 1, { bias: tensor([0.5]) }),
    expected: [[0.5], [0.5]],
  },
  {
    name: 'layerNorm: an empty batch',
    kernels: ['LayerNorm'],
    run: () => layerNorm(randn([0, 3], { seed: 64 }), [3]),
    expected: { shape: [0, 3], values: [] },
  },
  {
    name: 'layerNormBackward: with weight',
    kernels: ['LayerNormBackward'],
    run: () =>
      layerNormBackward(randn([3, 5], { seed: 65 }), randn([3, 5], { seed: 66 }), randn([5], { seed: 67 }), {
        axes: 1,
        eps: 1e-5,
      }),
    expected: () =>
      expectDense(
        refLayerNorm(
          randnValues([3, 5], 66),
          5,
          1e-5,
          randnValues([5], 67).values,
          undefined,
          randnValues([3, 5], 65).values,
        ),
      ),
  },
  {
    name: 'layerNormBackward: two axes, no weight',
    kernels: ['LayerNormBackward'],
    run: () =>
      layerNormBackward(randn([2, 2, 3], { seed: 68 }), randn([2, 2, 3], { seed: 69 }), undefined, {
        axes: 2,
        eps: 0.1,
      }),
    expected: () =>
      expectDense(
        refLayerNorm(randnValues([2, 2, 3], 69), 6, 0.1, undefined, undefined, randnValues([2, 2, 3], 68).values),
      ),
  },
];
