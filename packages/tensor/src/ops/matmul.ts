/** Matrix multiplication: 1-D, 2-D and batched (batch dims broadcast). */
import { engine } from '../engine';
import { fmtShape, ShapeError } from '../errors';
import { matmulOutput } from '../kernels/matmul';
import type { Tensor } from '../tensor';
import { assertTensor } from './create';
import { reshape } from './shape';

/** Options of `matmul`: which operand to transpose. */
export interface MatmulOptions {
  /** Multiply by the transpose of `a` (its last two axes), without materialising it. */
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * a @ b, following NumPy/PyTorch: vectors are promoted to matrices and the added axis removed again.
 * @example matmul(ones([2, 3]), ones([3, 4])) // [2, 4]
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  assertTensor('matmul', a, 'a');
  assertTensor('matmul', b, 'b');
  const { transposeA = false, transposeB = false } = options;
  const attrs = { transposeA, transposeB };
  if (a.rank >= 2 && b.rank >= 2) return engine.runKernel('MatMul', { a, b }, attrs);
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(`matmul: both operands need at least one axis: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
  }
  const a2 = a.rank === 1 ? [1, a.shape[0]!] : a.shape;
  const b2 = b.rank === 1 ? [b.shape[0]!, 1] : b.shape;
  // Checked here, where the messages can show the shapes as given rather than as promoted.
  matmulOutput({ shape: a2, dtype: a.dtype }, { shape: b2, dtype: b.dtype }, attrs, [a.shape, b.shape]);
  return engine.tidy(() => {
    const out = engine.runKernel('MatMul', { a: reshape(a, a2), b: reshape(b, b2) }, attrs);
    const shape = [...out.shape];
    if (b.rank === 1) shape.pop();
    if (a.rank === 1) shape.splice(shape.length - (b.rank === 1 ? 1 : 2), 1);
    return reshape(out, shape);
  });
}
