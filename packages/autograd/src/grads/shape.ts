/** Gradients of the shape and data-movement kernels: each moves the gradient back where the data came from. */
import { pad, reshape, slice, type Tensor, transpose } from '@nn/tensor';
import type { GradRule } from './types';
import { unbroadcast } from './util';

export const Reshape: GradRule<'Reshape'> = {
  vjp: ({ dy, inputs: { x } }) => ({ x: () => reshape(dy, x.shape) }),
};

export const BroadcastTo: GradRule<'BroadcastTo'> = {
  vjp: ({ dy, inputs: { x } }) => ({ x: () => unbroadcast(dy, x.shape) }),
};

/** Transposing by the inverse permutation. */
export const Transpose: GradRule<'Transpose'> = {
  vjp: ({ dy, attrs: { perm } }) => ({
    x: () => {
      const inverse = new Array<number>(perm.length);
      perm.forEach((axis, i) => {
        inverse[axis] = i;
      });
      return transpose(dy, inverse);
    },
  }),
};

/** Zeros around the block that was sliced out. */
export const Slice: GradRule<'Slice'> = {
  vjp: ({ dy, inputs: { x }, attrs: { begin, size } }) => ({
    x: () =>
      pad(
        dy,
        x.shape.map((dim, i) => [begin[i]!, dim - begin[i]! - size[i]!] as const),
      ),
  }),
};

/** Each input gets its own slice of the gradient. */
export const Concat: GradRule<'Concat'> = {
  vjp: ({ dy, inputs: { tensors }, attrs: { axis } }) => ({
    tensors: () => {
      const begin = dy.shape.map(() => 0);
      const pieces: Tensor[] = [];
      for (const t of tensors) {
        pieces.push(slice(dy, begin, t.shape));
        begin[axis]! += t.shape[axis]!;
      }
      return pieces;
    },
  }),
};

/** The gradient of the un-padded block. */
export const Pad: GradRule<'Pad'> = {
  vjp: ({ dy, inputs: { x }, attrs: { paddings } }) => ({
    x: () =>
      slice(
        dy,
        paddings.map((p) => p[0]),
        x.shape,
      ),
  }),
};
