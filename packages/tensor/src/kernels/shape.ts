/** Shape and data-movement kernels: the values are moved, never computed on. */
import { DTypeError, fmtShape, ShapeError } from '../errors';
import type { Shape } from '../types';
import { shapesEqual, sizeOf } from '../util/shape';
import { broadcastShapes, type Pair } from './geometry';
import { defineKernel } from './spec';

export default {
  /** Same data, new shape of the same size. A backend may return the input's dataId. */
  Reshape: defineKernel({
    op: 'reshape',
    inputs: { x: 'tensor' },
    infer: ({ x }, { shape }: { shape: Shape }) => {
      const size = sizeOf(x.shape);
      if (sizeOf(shape) !== size) {
        throw new ShapeError(`reshape: cannot reshape ${fmtShape(x.shape)} (size ${size}) into ${fmtShape(shape)}`);
      }
      return [{ shape, dtype: x.dtype }];
    },
  }),
  BroadcastTo: defineKernel({
    op: 'broadcastTo',
    inputs: { x: 'tensor' },
    infer: ({ x }, { shape }: { shape: Shape }) => {
      if (!shapesEqual(broadcastShapes('broadcastTo', x.shape, shape), shape)) {
        throw new ShapeError(`broadcastTo: cannot broadcast ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
      }
      return [{ shape, dtype: x.dtype }];
    },
  }),
  /** `perm` is a permutation of the axes (the op checks it). */
  Transpose: defineKernel({
    op: 'transpose',
    inputs: { x: 'tensor' },
    infer: ({ x }, { perm }: { perm: readonly number[] }) => [
      { shape: perm.map((axis) => x.shape[axis]!), dtype: x.dtype },
    ],
  }),
  /** begin/size fully explicit (no -1) and inside x (the op checks them). */
  Slice: defineKernel({
    op: 'slice',
    inputs: { x: 'tensor' },
    infer: ({ x }, { size }: { begin: readonly number[]; size: readonly number[] }) => [
      { shape: size, dtype: x.dtype },
    ],
  }),
  /** Joins along `axis`: every input has the first one's dtype and shape outside that axis. */
  Concat: defineKernel({
    op: 'concat',
    inputs: { tensors: 'tensors' },
    infer: ({ tensors }, { axis }: { axis: number }) => {
      const first = tensors[0]!;
      let length = 0;
      for (const t of tensors) {
        if (t.dtype !== first.dtype) throw new DTypeError(`concat: dtypes differ: ${first.dtype} and ${t.dtype}`);
        if (t.shape.length !== first.shape.length || t.shape.some((d, i) => i !== axis && d !== first.shape[i])) {
          throw new ShapeError(
            `concat: shapes ${tensors.map((u) => fmtShape(u.shape)).join(', ')} differ outside axis ${axis}`,
          );
        }
        length += t.shape[axis]!;
      }
      const shape = [...first.shape];
      shape[axis] = length;
      return [{ shape, dtype: first.dtype }];
    },
  }),
  /** [before, after] entries of `value` around each axis. */
  Pad: defineKernel({
    op: 'pad',
    inputs: { x: 'tensor' },
    infer: ({ x }, { paddings }: { paddings: readonly Pair[]; value: number }) => [
      { shape: x.shape.map((d, axis) => d + paddings[axis]![0] + paddings[axis]![1]), dtype: x.dtype },
    ],
  }),
};
