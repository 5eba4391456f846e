/** Gradient of the (batched, optionally transposed) matrix product. */
import { matmul } from '@nn/tensor';
import type { GradRule } from './types';
import { unbroadcast } from './util';

/**
 * With A' = op(a), B' = op(b) and out = A' @ B': dA' = dy @ B'^T and dB' = A'^T @ dy, written with the
 * kernel's transpose flags so no transpose is materialised. Broadcast batch axes are summed back (for a matrix b
 * shared by a batch of a's, inside the one GEMM).
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
      if (b.rank === 2 && a.rank > 2 && !transposeA) {
        // One matrix b shared by a batch of a's (a Linear layer over [N, T, F]): the batch folds into the rows of
        // a single GEMM over all of them, as PyTorch's linear does, instead of one small GEMM per batch entry summed
        // afterwards (reshapes share storage).
        const rows = a.reshape([-1, a.shape[a.rank - 1]!]);
        const dyRows = dy.reshape([-1, dy.shape[dy.rank - 1]!]);
        return transposeB ? matmul(dyRows, rows, { transposeA: true }) : matmul(rows, dyRows, { transposeA: true });
      }
      const db = transposeB
        ? matmul(dy, a, { transposeA: true, transposeB: transposeA })
        : matmul(a, dy, { transposeA: !transposeA });
      return unbroadcast(db, b.shape);
    },
  }),
};
