/** Indexing ops: gather, its adjoint scatterAdd, and oneHot. Indices are int32 and checked to be in range. */
import { engine } from '../engine';
import { DTypeError, fmtShape, IndexError, ShapeError, ValueError } from '../errors';
import { Tensor } from '../tensor';
import { normalizeAxis } from '../util/shape';
import { assertTensor, tensor } from './create';

/** Runs `fn` with `indices` as an int32 tensor, converting a plain array for it (and freeing that afterwards). */
function withIndices<R>(op: string, indices: Tensor | readonly number[], fn: (idx: Tensor) => R): R {
  if (indices instanceof Tensor) {
    if (indices.dtype !== 'int32') throw new DTypeError(`${op}: indices must be int32, got ${indices.dtype}`);
    return fn(indices);
  }
  if (!Array.isArray(indices)) throw new ValueError(`${op}: indices must be an int32 Tensor or an array of integers`);
  const bad = indices.find((v) => typeof v !== 'number' || !Number.isInteger(v));
  if (bad !== undefined) throw new DTypeError(`${op}: indices must be integers, got ${bad}`);
  const idx = tensor(indices as number[], undefined, 'int32');
  try {
    return fn(idx);
  } finally {
    idx.dispose();
  }
}

function assertIndicesInRange(op: string, indices: Tensor, limit: number, what: string): void {
  const values = indices.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= limit) throw new IndexError(`${op}: index ${v} is out of range for ${what} (size ${limit})`);
  }
}

/** Picks entries along `axis` by int32 `indices`: out shape x[:axis] + indices.shape + x[axis+1:]. */
export function gather(x: Tensor, indices: Tensor | readonly number[], axis = 0): Tensor {
  assertTensor('gather', x);
  const a = normalizeAxis('gather', axis, x.rank);
  return withIndices('gather', indices, (idx) => {
    assertIndicesInRange('gather', idx, x.shape[a]!, `axis ${a} of ${fmtShape(x.shape)}`);
    return engine.runKernel('Gather', { x, indices: idx }, { axis: a });
  });
}

/**
 * The adjoint of gather: adds `updates` into zeros whose `axis` has length `size`.
 * `updates` has the shape gather would produce: out[:axis] + indices.shape + out[axis+1:].
 */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, size: number): Tensor {
  assertTensor('scatterAdd', updates, 'updates');
  assertTensor('scatterAdd', indices, 'indices');
  if (!Number.isInteger(size) || size < 0)
    throw new ValueError(`scatterAdd: size must be a non-negative integer, got ${size}`);
  const outRank = updates.rank - indices.rank + 1;
  if (outRank < 1) {
    throw new ShapeError(
      `scatterAdd: updates ${fmtShape(updates.shape)} have fewer axes than indices ${fmtShape(indices.shape)}`,
    );
  }
  const a = normalizeAxis('scatterAdd', axis, outRank);
  return withIndices('scatterAdd', indices, (idx) => {
    assertIndicesInRange('scatterAdd', idx, size, `size ${size}`);
    return engine.runKernel('ScatterAdd', { updates, indices: idx }, { axis: a, size });
  });
}

/** float32 one-hot vectors of int32 class indices: [N] -> [N, depth]. */
export function oneHot(indices: Tensor | readonly number[], depth: number): Tensor {
  if (!Number.isInteger(depth) || depth < 1)
    throw new ValueError(`oneHot: depth must be a positive integer, got ${depth}`);
  return withIndices('oneHot', indices, (idx) => {
    assertIndicesInRange('oneHot', idx, depth, `depth ${depth}`);
    return engine.runKernel('OneHot', { indices: idx }, { depth });
  });
}
