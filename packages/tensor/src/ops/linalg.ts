/** Matrix multiplication: 1-D, 2-D and batched (batch dims broadcast). */
import { engine } from '../engine';
import { DTypeError, fmtShape, ShapeError } from '../errors';
import type { Tensor } from '../tensor';
import { broadcastShapes } from '../util/shape';
import { assertTensor } from './elementwise';
import { reshape } from './shape';

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
  if (a.dtype !== b.dtype) throw new DTypeError(`matmul: dtypes differ: ${a.dtype} and ${b.dtype}`);
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(`matmul: both operands need at least one axis: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
  }
  const { transposeA = false, transposeB = false } = options;
  const a2 = a.rank === 1 ? [1, a.shape[0]!] : a.shape;
  const b2 = b.rank === 1 ? [b.shape[0]!, 1] : b.shape;
  const k1 = transposeA ? a2[a2.length - 2]! : a2[a2.length - 1]!;
  const k2 = transposeB ? b2[b2.length - 1]! : b2[b2.length - 2]!;
  if (k1 !== k2) throw new ShapeError(`matmul: inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
  try {
    broadcastShapes('matmul', a2.slice(0, -2), b2.slice(0, -2));
  } catch {
    throw new ShapeError(`matmul: batch dimensions cannot be broadcast: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
  }
  if (a.rank >= 2 && b.rank >= 2) return engine.runKernel('MatMul', { a, b }, { transposeA, transposeB });
  return engine.tidy(() => {
    const out = engine.runKernel('MatMul', { a: reshape(a, a2), b: reshape(b, b2) }, { transposeA, transposeB });
    const shape = [...out.shape];
    if (b.rank === 1) shape.pop();
    if (a.rank === 1) shape.splice(shape.length - (b.rank === 1 ? 1 : 2), 1);
    return reshape(out, shape);
  });
}
