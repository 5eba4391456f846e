/**
 * Reductions over `axes` (non-empty, sorted, unique, non-negative): the reduced axes are removed from the shape.
 * Over an empty axis a sum is 0, a max -Infinity and a min Infinity (the ops refuse the last two, as PyTorch does).
 */
import { reducedShape } from './geometry';
import { defineKernel } from './spec';

/** The attributes of the reduction kernels: the axes reduced. */
export interface ReduceAttrs {
  axes: readonly number[];
}

export interface CumsumAttrs {
  axis: number;
  reverse: boolean;
}

function reduction(op: string) {
  return defineKernel({
    op,
    inputs: { x: 'tensor' },
    infer: ({ x }, { axes }: ReduceAttrs) => [{ shape: reducedShape(x.shape, axes), dtype: x.dtype }],
  });
}

export default {
  Sum: reduction('sum'),
  Max: reduction('max'),
  Min: reduction('min'),
  /** Index of the first maximum along `axis` (removed from the shape); int32. */
  ArgMax: defineKernel({
    op: 'argmax',
    inputs: { x: 'tensor' },
    infer: ({ x }, { axis }: { axis: number }) => [{ shape: reducedShape(x.shape, [axis]), dtype: 'int32' }],
  }),
  /** Running sum along `axis` (from its end when `reverse`), the shape and dtype of x; int32 sums wrap. */
  Cumsum: defineKernel({
    op: 'cumsum',
    inputs: { x: 'tensor' },
    infer: ({ x }, _attrs: CumsumAttrs) => [x],
  }),
};
