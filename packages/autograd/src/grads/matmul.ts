/** Gradient of the (batched, optionally transposed) matrix product. */
import { matmul } from '@nn/tensor';
import type { GradRule } from './types';
import { unbroadcast } from './util';

/**
 * With A' = op(a), B' = op(b) and out = A' @ B': dA' = dy @ B'^T and dB' = A'^T @ dy, written with the
 * kernel's transpose flags so no transpose is materialised. Broadcast batch axes are summed back.
 */
export const MatMul: GradRule<'MatMul'> = {
  save: ['a', 'b'],
  vjp: ({ dy, inputs: { a, b }, attrs: { transposeA, transposeB } }) => ({
    a: () => {
      const da = transposeA
        ? matmul(b, dy, { transposeA: transposeB, transposeB: true })
        : matmul(dy, b, { transposeB: !transposeB });
      return unbroadcast(da, a.shape);
    },
    b: () => {
      const db = transposeB
        ? matmul(dy, a, { transposeA: true, transposeB: transposeA })
        : matmul(a, dy, { transposeA: !transposeA });
      return unbroadcast(db, b.shape);
    },
  }),
};
