/**
 * Scaled dot-product attention: one fused kernel (and a fused backward) without dropout; with `dropoutP > 0` the
 * same computation composed from matmul and softmax-like ops, so the dropped weights come from the generator.
 */
import { engine } from '../engine';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { attentionShape } from '../kernels/attention';
import { broadcastShapes } from '../kernels/geometry';
import type { Tensor } from '../tensor';
import { checkOptions, describeValue, type OptionKeys } from '../util/options';
import type { Generator } from '../util/random';
import { shapesEqual } from '../util/shape';
import { add, div, equal, mul, where } from './binary';
import { assertTensor, full, tensor } from './create';
import { matmul } from './matmul';
import { bernoulli } from './random';
import { max, sum } from './reduce';
import { broadcastTo } from './shape';
import { exp } from './unary';

/** Options of `scaledDotProductAttention`: masks, causality, dropout and scale. */
export interface AttentionOptions {
  /**
   * [..., L, S] (broadcast): an int32 mask keeps the keys where it is nonzero (PyTorch's boolean mask); a float mask
   * is added to the scores (use -Infinity to mask out).
   */
  attnMask?: Tensor;
  /** Query i attends to keys 0..i only (the top-left lower triangle of [L, S]). */
  isCausal?: boolean;
  /** Drops attention weights with this probability, scaling the rest by 1 / (1 - dropoutP). */
  dropoutP?: number;
  /** Multiplies q·kᵀ; default 1 / sqrt(E). */
  scale?: number;
  /** Draws the dropout mask from this generator (default: the global one). */
  generator?: Generator;
}

const ATTENTION_OPTIONS: OptionKeys<AttentionOptions> = {
  attnMask: true,
  isCausal: true,
  dropoutP: true,
  scale: true,
  generator: true,
};

/**
 * softmax(q kᵀ · scale + mask) v over q [..., L, E], k [..., S, E], v [..., S, Ev] (batch axes broadcast), as
 * PyTorch's `scaled_dot_product_attention`. A query whose keys are all masked out gets zeros (PyTorch's math
 * path gives NaN there), and zero gradients.
 * @example scaledDotProductAttention(q, k, v, { isCausal: true })
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  const op = 'scaledDotProductAttention';
  for (const [name, t] of [
    ['q', q],
    ['k', k],
    ['v', v],
  ] as const) {
    assertTensor(op, t, name);
    if (t.rank < 2) throw new ShapeError(`${op}: ${name} must be [..., L, E], got [${t.shape}]`);
  }
  checkOptions(op, options, ATTENTION_OPTIONS);
  const { attnMask, isCausal = false, dropoutP = 0, generator } = options;
  if (attnMask !== undefined) assertTensor(op, attnMask, 'attnMask');
  if (typeof isCausal !== 'boolean')
    throw new ValueError(`${op}: isCausal must be a boolean, got ${describeValue(isCausal)}`);
  if (typeof dropoutP !== 'number' || !(dropoutP >= 0 && dropoutP < 1)) {
    throw new ValueError(`${op}: dropoutP must be in [0, 1), got ${describeValue(dropoutP)}`);
  }
  const scale = options.scale ?? 1 / Math.sqrt(q.shape[q.rank - 1]!);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) {
    throw new ValueError(`${op}: scale must be a finite number, got ${describeValue(scale)}`);
  }
  return engine.tidy(() => {
    const batch = broadcastShapes(op, q.shape.slice(0, -2), k.shape.slice(0, -2), v.shape.slice(0, -2));
    const [qb, kb, vb] = [q, k, v].map((t) =>
      shapesEqual(t.shape.slice(0, -2), batch) ? t : broadcastTo(t, [...batch, ...t.shape.slice(-2)]),
    ) as [Tensor, Tensor, Tensor];
    let mask: Tensor | undefined;
    if (attnMask !== undefined) {
      if (attnMask.dtype !== 'int32' && attnMask.dtype !== q.dtype) {
        throw new DTypeError(
          `${op}: attnMask must be int32 (keep where nonzero) or ${q.dtype} (added), got ${attnMask.dtype}`,
        );
      }
      const full = [...batch, q.shape[q.rank - 2]!, k.shape[k.rank - 2]!];
      mask = shapesEqual(attnMask.shape, full) ? attnMask : broadcastTo(attnMask, full);
    }
    attentionShape(op, qb, kb, vb, mask);
    const attrs = { scale, causal: isCausal };
    if (dropoutP === 0) {
      return engine.runKernel('Attention', { q: qb, k: kb, v: vb, ...(mask === undefined ? {} : { mask }) }, attrs);
    }
    return composedAttention(qb, kb, vb, mask, attrs, dropoutP, generator);
  });
}

/**
 * The attention weights softmax(q kᵀ · scale + mask) [..., L, S] composed from matmul, where, exp and sum; a row
 * whose keys are all masked out is 0. `mask` is already [..., L, S] (int32 keeps, float adds).
 * @internal (autograd's rule for an additive mask, and MultiheadAttention's weights, read them)
 */
export function attentionWeights(
  q: Tensor,
  k: Tensor,
  mask: Tensor | undefined,
  { scale, causal }: { scale: number; causal: boolean },
): Tensor {
  return engine.tidy(() => {
    let scores = mul(matmul(q, k, { transposeB: true }), scale);
    if (mask !== undefined && mask.dtype !== 'int32') scores = add(scores, mask);
    if (mask !== undefined && mask.dtype === 'int32') scores = where(mask, scores, Number.NEGATIVE_INFINITY);
    if (causal) {
      const [L, S] = scores.shape.slice(-2) as [number, number];
      const keep = tensor(
        Int32Array.from({ length: L * S }, (_, n) => (n % S <= Math.floor(n / S) ? 1 : 0)),
        [L, S],
      );
      scores = where(keep, scores, Number.NEGATIVE_INFINITY);
    }
    // A row of -Infinity (every key masked) is shifted by 0 and divided by 1: its weights are 0, not NaN.
    const rowMax = engine.withoutRecording(() => {
      const m = max(scores, -1, true);
      return where(equal(m, Number.NEGATIVE_INFINITY), 0, m);
    });
    const e = exp(scores.sub(rowMax));
    const total = sum(e, -1, true);
    return div(e, where(equal(total, 0), 1, total));
  });
}

/**
 * Attention composed from ops (the reference the fused kernel is measured and tested against), with dropout of
 * the weights when `dropoutP > 0`.
 * @internal
 */
export function composedAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  mask: Tensor | undefined,
  attrs: { scale: number; causal: boolean },
  dropoutP = 0,
  generator?: Generator,
): Tensor {
  return engine.tidy(() => {
    let weights = attentionWeights(q, k, mask, attrs);
    if (dropoutP > 0) {
      const keep = bernoulli(
        engine.withoutRecording(() => full(weights.shape, 1 - dropoutP, weights.dtype)),
        { generator },
      );
      weights = mul(weights, div(keep, 1 - dropoutP));
    }
    return matmul(weights, v);
  });
}
