/** Indexing kernels: gather along an axis, its adjoint scatter-add, one-hot vectors. Indices are int32. */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import { shapesEqual } from '../util/shape';
import { defineKernel, type TensorMeta } from './spec';

function int32Indices(op: string, indices: TensorMeta): void {
  if (indices.dtype !== 'int32') throw new DTypeError(`${op}: indices must be int32, got ${indices.dtype}`);
}

export default {
  /** Output shape: x.shape[:axis] + indices.shape + x.shape[axis+1:]. Indices are in range (the op checks them). */
  Gather: defineKernel({
    op: 'gather',
    inputs: { x: 'tensor', indices: 'tensor' },
    infer: ({ x, indices }, { axis }: { axis: number }) => {
      int32Indices('gather', indices);
      return [{ shape: [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], dtype: x.dtype }];
    },
  }),
  /**
   * The adjoint of Gather: sums `updates` into a zero tensor whose `axis` has length `size`. `updates` has the
   * shape Gather would give: out[:axis] + indices.shape + out[axis+1:].
   */
  ScatterAdd: defineKernel({
    op: 'scatterAdd',
    inputs: { updates: 'tensor', indices: 'tensor' },
    infer: ({ updates, indices }, { axis, size }: { axis: number; size: number }) => {
      int32Indices('scatterAdd', indices);
      const end = axis + indices.shape.length;
      if (!shapesEqual(updates.shape.slice(axis, end), indices.shape)) {
        throw new ShapeError(
          `scatterAdd: updates ${fmtShape(updates.shape)} do not hold indices ${fmtShape(indices.shape)} at axis ${axis}`,
        );
      }
      return [{ shape: [...updates.shape.slice(0, axis), size, ...updates.shape.slice(end)], dtype: updates.dtype }];
    },
  }),
  /** float32 one-hot vectors of int32 indices: shape indices.shape + [depth]. */
  OneHot: defineKernel({
    op: 'oneHot',
    inputs: { indices: 'tensor' },
    infer: ({ indices }, { depth }: { depth: number }) => {
      int32Indices('oneHot', indices);
      return [{ shape: [...indices.shape, depth], dtype: 'float32' }];
    },
  }),
};
