/** Selection kernels: the order of the values along the last axis (sort, argsort and topk are built on it). */
import { fmtShape, ShapeError, ValueError } from '../errors';
import { defineKernel } from './spec';

export interface TopKAttrs {
  /** How many indices to keep per row, 0 <= k <= the length of the last axis. */
  k: number;
  /** Largest first (descending) or smallest first (ascending). */
  largest: boolean;
}

export default {
  /**
   * The int32 indices of the k largest (or smallest) values along the last axis, in that order: shape
   * x.shape[:-1] + [k]. Equal values keep their index order (a stable sort) and NaN counts as the largest value,
   * as torch.sort(stable=True). The op gathers the values; taking all k = n indices is a sort.
   */
  TopK: defineKernel({
    op: 'topk',
    inputs: { x: 'tensor' },
    infer: ({ x }, { k }: TopKAttrs) => {
      if (x.shape.length === 0) throw new ShapeError('topk: needs at least one axis, got a 0-d tensor');
      const n = x.shape[x.shape.length - 1]!;
      if (!Number.isInteger(k) || k < 0 || k > n) {
        throw new ValueError(`topk: k must be an integer in [0, ${n}] for ${fmtShape(x.shape)}, got ${k}`);
      }
      return [{ shape: [...x.shape.slice(0, -1), k], dtype: 'int32' }];
    },
  }),
};
