/** Layer normalisation over the trailing axes: one pass for the statistics, one for the output, per row. */
import { type KernelFn, outputInfo } from '../../backend/interface';
import { typedArrayFor } from '../../types';
import { sizeOf } from '../../util/shape';

/** Rows of `size` normalised elements each: x's trailing `axes` axes form one row. */
function rowSize(shape: readonly number[], axes: number): number {
  return sizeOf(shape.slice(shape.length - axes));
}

/** Mean and 1/sqrt(biased variance + eps) of x[base, base + n), two-pass for accuracy. */
function rowStats(x: ArrayLike<number>, base: number, n: number, eps: number): [number, number] {
  let sum = 0;
  for (let j = 0; j < n; j++) sum += x[base + j]!;
  const mean = sum / n;
  let sq = 0;
  for (let j = 0; j < n; j++) {
    const d = x[base + j]! - mean;
    sq += d * d;
  }
  return [mean, 1 / Math.sqrt(sq / n + eps)];
}

const layerNorm: KernelFn<'LayerNorm'> = ({
  inputs: { x, weight, bias },
  attrs: { axes, eps },
  outputs: [y],
  backend,
}) => {
  const xs = backend.readSync(x.dataId);
  const w = weight === undefined ? undefined : backend.readSync(weight.dataId);
  const b = bias === undefined ? undefined : backend.readSync(bias.dataId);
  const n = rowSize(x.shape, axes);
  const out = typedArrayFor(y.dtype, xs.length);
  for (let base = 0; n > 0 && base < xs.length; base += n) {
    const [mean, rstd] = rowStats(xs, base, n, eps);
    for (let j = 0; j < n; j++) {
      let v = (xs[base + j]! - mean) * rstd;
      if (w !== undefined) v *= w[j]!;
      if (b !== undefined) v += b[j]!;
      out[base + j] = v;
    }
  }
  return outputInfo(backend, out, y.shape, y.dtype);
};

/**
 * With xhat = (x - mean) * rstd and g = dy * weight: dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), the
 * means taken over the row.
 */
const layerNormBackward: KernelFn<'LayerNormBackward'> = ({
  inputs: { dy, x, weight },
  attrs: { axes, eps },
  outputs: [dx],
  backend,
}) => {
  const xs = backend.readSync(x.dataId);
  const g = backend.readSync(dy.dataId);
  const w = weight === undefined ? undefined : backend.readSync(weight.dataId);
  const n = rowSize(x.shape, axes);
  const out = typedArrayFor(dx.dtype, xs.length);
  for (let base = 0; n > 0 && base < xs.length; base += n) {
    const [mean, rstd] = rowStats(xs, base, n, eps);
    let sumG = 0;
    let sumGX = 0;
    for (let j = 0; j < n; j++) {
      const gj = w === undefined ? g[base + j]! : g[base + j]! * w[j]!;
      sumG += gj;
      sumGX += gj * (xs[base + j]! - mean) * rstd;
    }
    const meanG = sumG / n;
    const meanGX = sumGX / n;
    for (let j = 0; j < n; j++) {
      const gj = w === undefined ? g[base + j]! : g[base + j]! * w[j]!;
      const xhat = (xs[base + j]! - mean) * rstd;
      out[base + j] = rstd * (gj - meanG - xhat * meanGX);
    }
  }
  return outputInfo(backend, out, dx.shape, dx.dtype);
};

export const normalizationKernels = { LayerNorm: layerNorm, LayerNormBackward: layerNormBackward };
