/**
 * Fused scaled dot-product attention. Each query row's scores live in one buffer of length S: they are masked,
 * soft-maxed and used for the weighted sum of v, so no [L, S] matrix is ever materialised. The backward recomputes
 * each row's weights the same way (no saved statistics) and accumulates dq, dk and dv.
 */
import { type Backend, type KernelFn, outputInfo } from '../../backend/interface';
import type { TensorInfo, TypedArray } from '../../types';
import { typedArrayFor } from '../../types';
import { sizeOf } from '../../util/shape';

interface Geometry {
  batch: number;
  L: number;
  S: number;
  E: number;
  Ev: number;
}

function geometry(q: TensorInfo, v: TensorInfo): Geometry {
  const r = q.shape.length;
  const L = q.shape[r - 2]!;
  const E = q.shape[r - 1]!;
  const S = v.shape[r - 2]!;
  const Ev = v.shape[r - 1]!;
  return { batch: sizeOf(q.shape.slice(0, -2)), L, S, E, Ev };
}

/**
 * Fills p[0, S) with the attention weights of query row i of batch entry b (scores, mask, causal cut, softmax);
 * returns false when every key is masked out (p is then all 0).
 */
function weightsRow(
  p: Float64Array,
  qs: TypedArray,
  ks: TypedArray,
  mask: TypedArray | undefined,
  additive: boolean,
  g: Geometry,
  b: number,
  i: number,
  scale: number,
  causal: boolean,
): boolean {
  const { L, S, E } = g;
  const qBase = (b * L + i) * E;
  const mBase = (b * L + i) * S;
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < S; j++) {
    let s = Number.NEGATIVE_INFINITY;
    if (!(causal && j > i) && (mask === undefined || additive || mask[mBase + j] !== 0)) {
      const kBase = (b * S + j) * E;
      let dot = 0;
      for (let e = 0; e < E; e++) dot += qs[qBase + e]! * ks[kBase + e]!;
      s = dot * scale;
      if (additive) s += mask![mBase + j]!;
    }
    p[j] = s;
    if (s > max) max = s;
  }
  if (max === Number.NEGATIVE_INFINITY) {
    p.fill(0, 0, S);
    return false;
  }
  let sum = 0;
  for (let j = 0; j < S; j++) {
    const e = Math.exp(p[j]! - max);
    p[j] = e;
    sum += e;
  }
  for (let j = 0; j < S; j++) p[j]! /= sum;
  return true;
}

function read(backend: Backend, t: TensorInfo | undefined): TypedArray | undefined {
  return t === undefined ? undefined : backend.readSync(t.dataId);
}

const attention: KernelFn<'Attention'> = ({
  inputs: { q, k, v, mask },
  attrs: { scale, causal },
  outputs: [y],
  backend,
}) => {
  const g = geometry(q, v);
  const { batch, L, S, Ev } = g;
  const [qs, ks, vs] = [backend.readSync(q.dataId), backend.readSync(k.dataId), backend.readSync(v.dataId)];
  const ms = read(backend, mask);
  const additive = mask !== undefined && mask.dtype !== 'int32';
  const out = typedArrayFor(y.dtype, batch * L * Ev);
  const p = new Float64Array(S);
  const acc = new Float64Array(Ev);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < L; i++) {
      if (!weightsRow(p, qs, ks, ms, additive, g, b, i, scale, causal)) continue;
      acc.fill(0);
      for (let j = 0; j < S; j++) {
        const pj = p[j]!;
        if (pj === 0) continue;
        const vBase = (b * S + j) * Ev;
        for (let e = 0; e < Ev; e++) acc[e]! += pj * vs[vBase + e]!;
      }
      out.set(acc, (b * L + i) * Ev);
    }
  }
  return outputInfo(backend, out, y.shape, y.dtype);
};

/**
 * Per query row: dP_j = dy_i · v_j, dS_j = P_j (dP_j - sum_j P_j dP_j); dq_i = scale sum_j dS_j k_j,
 * dk_j += scale dS_j q_i, dv_j += P_j dy_i.
 */
const attentionBackward: KernelFn<'AttentionBackward'> = ({
  inputs: { dy, q, k, v, mask },
  attrs: { scale, causal },
  outputs: [dqMeta, dkMeta, dvMeta],
  backend,
}) => {
  const g = geometry(q, v);
  const { batch, L, S, E, Ev } = g;
  const [qs, ks, vs, gs] = [q, k, v, dy].map((t) => backend.readSync(t.dataId)) as TypedArray[];
  const ms = read(backend, mask);
  const additive = mask !== undefined && mask.dtype !== 'int32';
  const dq = new Float64Array(batch * L * E);
  const dk = new Float64Array(batch * S * E);
  const dv = new Float64Array(batch * S * Ev);
  const p = new Float64Array(S);
  const dp = new Float64Array(S);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < L; i++) {
      if (!weightsRow(p, qs!, ks!, ms, additive, g, b, i, scale, causal)) continue;
      const gBase = (b * L + i) * Ev;
      const qBase = (b * L + i) * E;
      let rowDot = 0;
      for (let j = 0; j < S; j++) {
        const pj = p[j]!;
        if (pj === 0) {
          dp[j] = 0;
          continue;
        }
        const vBase = (b * S + j) * Ev;
        let d = 0;
        for (let e = 0; e < Ev; e++) {
          d += gs![gBase + e]! * vs![vBase + e]!;
          dv[vBase + e]! += pj * gs![gBase + e]!;
        }
        dp[j] = d;
        rowDot += pj * d;
      }
      for (let j = 0; j < S; j++) {
        const pj = p[j]!;
        if (pj === 0) continue;
        const ds = pj * (dp[j]! - rowDot) * scale;
        const kBase = (b * S + j) * E;
        for (let e = 0; e < E; e++) {
          dq[qBase + e]! += ds * ks![kBase + e]!;
          dk[kBase + e]! += ds * qs![qBase + e]!;
        }
      }
    }
  }
  const store = (values: Float64Array, meta: { shape: readonly number[]; dtype: typeof q.dtype }): TensorInfo => {
    const out = typedArrayFor(meta.dtype, values.length);
    out.set(values);
    return outputInfo(backend, out, meta.shape, meta.dtype);
  };
  return [store(dq, dqMeta), store(dk, dkMeta), store(dv, dvMeta)] as const;
};

export const attentionKernels = { Attention: attention, AttentionBackward: attentionBackward };
