/**
 * Scaled dot-product attention, fused (scores, mask, softmax and the weighted sum, one row of scores at a time), and
 * its fused backward. The op broadcasts the batch axes of q, k and v to one shape and the mask to [..., L, S].
 */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { shapesEqual } from '../util/shape';
import { defineKernel, type TensorMeta } from './spec';

/** The attributes of the Attention kernels: the scale and the causal flag. */
export interface AttentionAttrs {
  /** Multiplies q·k (PyTorch's default is 1 / sqrt(E)). */
  scale: number;
  /** Query i attends to keys j <= i only (the top-left aligned lower triangle, as PyTorch). */
  causal: boolean;
}

/**
 * q [..., L, E], k [..., S, E], v [..., S, Ev] with one batch shape and one float dtype; the mask (int32: nonzero
 * keeps; float: added to the scores) is [..., L, S]. Returns the output's shape [..., L, Ev].
 */
export function attentionShape(op: string, q: TensorMeta, k: TensorMeta, v: TensorMeta, mask?: TensorMeta): number[] {
  if (q.dtype === 'int32' || k.dtype !== q.dtype || v.dtype !== q.dtype) {
    throw new DTypeError(`${op}: q, k and v need one float dtype, got ${q.dtype}, ${k.dtype} and ${v.dtype}`);
  }
  const rank = q.shape.length;
  const batch = q.shape.slice(0, -2);
  const [L, E] = [q.shape[rank - 2], q.shape[rank - 1]];
  const [S, Ek] = [k.shape[rank - 2], k.shape[rank - 1]];
  if (
    rank < 2 ||
    k.shape.length !== rank ||
    v.shape.length !== rank ||
    !shapesEqual(k.shape.slice(0, -2), batch) ||
    !shapesEqual(v.shape.slice(0, -2), batch) ||
    Ek !== E ||
    v.shape[rank - 2] !== S
  ) {
    throw new ShapeError(
      `${op}: expected q [..., L, E], k [..., S, E], v [..., S, Ev], got ${fmtShape(q.shape)}, ${fmtShape(k.shape)} and ${fmtShape(v.shape)}`,
    );
  }
  if (mask !== undefined) {
    if (mask.dtype !== 'int32' && mask.dtype !== q.dtype) {
      throw new DTypeError(`${op}: an additive mask must be ${q.dtype} like q, got ${mask.dtype}`);
    }
    if (!shapesEqual(mask.shape, [...batch, L!, S!])) {
      throw new ShapeError(`${op}: mask ${fmtShape(mask.shape)} must be ${fmtShape([...batch, L!, S!])}`);
    }
  }
  return [...batch, L!, v.shape[rank - 1]!];
}

export default {
  /** softmax(q kᵀ · scale + mask) v per batch entry; a row whose keys are all masked out is 0. */
  Attention: defineKernel({
    op: 'scaledDotProductAttention',
    inputs: { q: 'tensor', k: 'tensor', v: 'tensor', mask: 'optional' },
    infer: ({ q, k, v, mask }, _attrs: AttentionAttrs) => [
      { shape: attentionShape('scaledDotProductAttention', q, k, v, mask), dtype: q.dtype },
    ],
  }),
  /** The gradients [dq, dk, dv] of Attention from dy, recomputing each row of attention weights. */
  AttentionBackward: defineKernel({
    op: 'scaledDotProductAttentionBackward',
    inputs: { dy: 'tensor', q: 'tensor', k: 'tensor', v: 'tensor', mask: 'optional' },
    outputs: 3,
    infer: ({ dy, q, k, v, mask }, _attrs: AttentionAttrs) => {
      const out = attentionShape('scaledDotProductAttentionBackward', q, k, v, mask);
      if (dy.dtype !== q.dtype || !shapesEqual(dy.shape, out)) {
        throw new ShapeError(
          `scaledDotProductAttentionBackward: dy ${fmtShape(dy.shape)} must be the output's shape ${fmtShape(out)}`,
        );
      }
      return [q, k, v];
    },
  }),
};
