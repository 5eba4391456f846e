/** Layer normalisation over the trailing axes, fused, and its fused input gradient. */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import type { Shape } from '../types';
import { shapesEqual } from '../util/shape';
import { defineKernel, type TensorMeta } from './spec';

/** The attributes of the LayerNorm kernels: the trailing axes normalised and eps. */
export interface LayerNormAttrs {
  /** How many trailing axes are normalised together (the rank of `normalizedShape`). */
  axes: number;
  eps: number;
}

/** x must be float with at least `axes` axes; weight and bias, when given, have x's trailing shape and dtype. */
function checkLayerNorm(op: string, x: TensorMeta, affine: Record<string, TensorMeta | undefined>, axes: number): void {
  if (x.dtype === 'int32') throw new DTypeError(`${op}: needs a float tensor, got int32 ${fmtShape(x.shape)}`);
  if (!Number.isInteger(axes) || axes < 1 || axes > x.shape.length) {
    throw new ShapeError(`${op}: cannot normalise the last ${axes} axes of ${fmtShape(x.shape)}`);
  }
  const trailing: Shape = x.shape.slice(x.shape.length - axes);
  for (const [name, t] of Object.entries(affine)) {
    if (t === undefined) continue;
    if (t.dtype !== x.dtype) throw new DTypeError(`${op}: ${name} is ${t.dtype} but x is ${x.dtype}`);
    if (!shapesEqual(t.shape, trailing)) {
      throw new ShapeError(
        `${op}: ${name} ${fmtShape(t.shape)} must have the normalised shape ${fmtShape(trailing)} of x ${fmtShape(x.shape)}`,
      );
    }
  }
}

export default {
  /** (x - mean) / sqrt(var + eps) over the last `axes` axes (biased variance), times weight plus bias if given. */
  LayerNorm: defineKernel({
    op: 'layerNorm',
    inputs: { x: 'tensor', weight: 'optional', bias: 'optional' },
    infer: ({ x, weight, bias }, attrs: LayerNormAttrs) => {
      checkLayerNorm('layerNorm', x, { weight, bias }, attrs.axes);
      return [x];
    },
  }),
  /** The gradient of LayerNorm with respect to x, from dy, x and the weight (recomputing mean and 1/std). */
  LayerNormBackward: defineKernel({
    op: 'layerNormBackward',
    inputs: { dy: 'tensor', x: 'tensor', weight: 'optional' },
    infer: ({ dy, x, weight }, attrs: LayerNormAttrs) => {
      checkLayerNorm('layerNormBackward', x, { weight }, attrs.axes);
      if (dy.dtype !== x.dtype || !shapesEqual(dy.shape, x.shape)) {
        throw new ShapeError(
          `layerNormBackward: dy ${dy.dtype} ${fmtShape(dy.shape)} must match x ${x.dtype} ${fmtShape(x.shape)}`,
        );
      }
      return [x];
    },
  }),
};
