/**
 * MultiheadAttention with PyTorch's parameters (`in_proj_weight` [3E, E], `in_proj_bias`, `out_proj.weight`,
 * `out_proj.bias`), initialisation and mask conventions, over @nn/tensor's scaledDotProductAttention.
 */
import {
  checkOptions,
  DTypeError,
  defaultGenerator,
  describeValue,
  fmtShape,
  type Generator,
  keep,
  matmul,
  type OptionKeys,
  rand,
  ShapeError,
  scaledDotProductAttention,
  softmax,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  where,
  zeros,
} from '@nn/tensor';
import type { InitOptions } from '../init';
import { Module } from '../module';
import { configBoolean, configNumber } from './config';
import { assertPositiveInt, Linear } from './linear';

/** Options of `MultiheadAttention` (PyTorch's defaults, except batchFirst: true). */
export interface MultiheadAttentionOptions extends InitOptions {
  /** Dropout on the attention weights while training (default 0). */
  dropout?: number;
  /** Learn the input and output projection biases (default true). */
  bias?: boolean;
  /** Inputs and output are [N, L, E] (default true); false: [L, N, E], PyTorch's default. */
  batchFirst?: boolean;
}

/** The masks and flags of `MultiheadAttention.forward`. */
export interface AttentionForwardOptions {
  /**
   * [L, S] or [N * numHeads, L, S]: an int32 mask where 1 means "may not attend" (PyTorch's boolean attn_mask of
   * nn.MultiheadAttention), or a float mask added to the scores.
   */
  attnMask?: Tensor;
  /** `[N, S]`: int32 1 marks a padding key to ignore (PyTorch's True), or a float mask added to the scores. */
  keyPaddingMask?: Tensor;
  /** Query i attends to keys 0..i only (added to any attnMask). */
  isCausal?: boolean;
  /** Also return the attention weights averaged over the heads, [N, L, S] (default false). */
  needWeights?: boolean;
}

/** What MultiheadAttention.forward returns; `weights` is null unless `needWeights`. */
export interface AttentionResult {
  output: Tensor;
  weights: Tensor | null;
}

const OPTIONS: OptionKeys<MultiheadAttentionOptions> = { dropout: true, bias: true, batchFirst: true, generator: true };
const FORWARD_OPTIONS: OptionKeys<AttentionForwardOptions> = {
  attnMask: true,
  keyPaddingMask: true,
  isCausal: true,
  needWeights: true,
};

/**
 * Attention over `numHeads` heads of size embedDim / numHeads, with learned input and output projections.
 * @example
 * const attention = new MultiheadAttention(64, 4);
 * const { output } = attention.forward(x, x, x, { isCausal: true }); // x: [N, L, 64]
 */
export class MultiheadAttention extends Module {
  in_proj_weight: Tensor;
  in_proj_bias: Tensor | null;
  out_proj: Linear;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly headDim: number;
  readonly #generator: Generator;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    checkOptions('MultiheadAttention', options, OPTIONS);
    assertPositiveInt('MultiheadAttention', 'embedDim', embedDim);
    assertPositiveInt('MultiheadAttention', 'numHeads', numHeads);
    if (embedDim % numHeads !== 0) {
      throw new ValueError(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    }
    const { dropout = 0, bias = true, batchFirst = true } = options;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
      throw new ValueError(`MultiheadAttention: dropout must be in [0, 1), got ${describeValue(dropout)}`);
    }
    this.dropout = dropout;
    this.batchFirst = batchFirst;
    this.headDim = embedDim / numHeads;
    const generator = options.generator ?? defaultGenerator;
    this.#generator = generator;
    // PyTorch: xavier_uniform on [3E, E] (bound sqrt(6 / (E + 3E))), zero biases, Linear's default for out_proj.weight.
    const bound = Math.sqrt(6 / (4 * embedDim));
    this.in_proj_weight = keep(rand([3 * embedDim, embedDim], { low: -bound, high: bound, generator }));
    this.in_proj_bias = bias ? keep(zeros([3 * embedDim])) : null;
    this.out_proj = new Linear(embedDim, embedDim, { bias, generator });
    if (this.out_proj.bias !== null) this.out_proj.bias.assign(zeros([embedDim]));
  }

  forward(query: Tensor, key: Tensor, value: Tensor, options: AttentionForwardOptions = {}): AttentionResult {
    checkOptions('MultiheadAttention.forward', options, FORWARD_OPTIONS);
    const { attnMask, keyPaddingMask, isCausal = false, needWeights = false } = options;
    const result = tidy(() => {
      const [q, k, v] = [query, key, value].map((t, i) => this.#batchFirst(t, ['query', 'key', 'value'][i]!));
      const [n, l] = q!.shape as [number, number, number];
      const s = k!.shape[1]!;
      if (k!.shape[0] !== n || v!.shape[0] !== n || v!.shape[1] !== s) {
        throw new ShapeError(
          `MultiheadAttention: query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} do not fit`,
        );
      }
      const heads = (t: Tensor, part: number) => {
        const e = this.embedDim;
        const w = this.in_proj_weight.slice([part * e, 0], [e, e]);
        let projected = matmul(t, w, { transposeB: true });
        if (this.in_proj_bias !== null) projected = projected.add(this.in_proj_bias.slice([part * e], [e]));
        return projected.reshape([n, t.shape[1]!, this.numHeads, this.headDim]).transpose([0, 2, 1, 3]);
      };
      const qh = heads(q!, 0);
      const kh = heads(k!, 1);
      const vh = heads(v!, 2);
      // sdpa takes one mask: a causal mask next to another one (or when the weights are computed here) is added to it.
      const foldCausal = isCausal && (needWeights || attnMask !== undefined || keyPaddingMask !== undefined);
      const mask = this.#additiveMask(attnMask, keyPaddingMask, foldCausal, n, l, s, q!.dtype);
      const dropoutP = this.training ? this.dropout : 0;
      let attended: Tensor;
      let weights: Tensor | null = null;
      if (needWeights) {
        const scores = matmul(qh, kh, { transposeB: true }).mul(1 / Math.sqrt(this.headDim));
        const probabilities = softmax(mask === undefined ? scores : scores.add(mask), -1);
        weights = probabilities.mean(1);
        const dropped = dropoutP > 0 ? dropWeights(probabilities, dropoutP, this.#generator) : probabilities;
        attended = matmul(dropped, vh);
      } else {
        attended = scaledDotProductAttention(qh, kh, vh, {
          ...(mask === undefined ? {} : { attnMask: mask }),
          isCausal: isCausal && mask === undefined,
          dropoutP,
          ...(dropoutP > 0 ? { generator: this.#generator } : {}),
        });
      }
      const merged = attended.transpose([0, 2, 1, 3]).reshape([n, l, this.embedDim]);
      let output = this.out_proj.forward(merged);
      if (!this.batchFirst && query.rank === 3) output = output.transpose([1, 0, 2]);
      if (query.rank === 2) output = output.reshape([l, this.embedDim]);
      if (weights !== null && query.rank === 2) weights = weights.reshape([l, s]);
      return weights === null ? { output } : { output, weights };
    });
    return { output: result.output, weights: result.weights ?? null };
  }

  /** [N, L, E] whatever the layout; an unbatched [L, E] becomes [1, L, E]. */
  #batchFirst(t: Tensor, name: string): Tensor {
    if (t.rank === 2 && t.shape[1] === this.embedDim) return t.reshape([1, ...t.shape]);
    if (t.rank !== 3 || t.shape[2] !== this.embedDim) {
      throw new ShapeError(
        `MultiheadAttention: ${name} must be ${this.batchFirst ? '[N, L, E]' : '[L, N, E]'} with E = ${this.embedDim}, got ${fmtShape(t.shape)}`,
      );
    }
    return this.batchFirst ? t : t.transpose([1, 0, 2]);
  }

  /** The masks as one additive float mask broadcastable to [N, H, L, S] (undefined when there is none). */
  #additiveMask(
    attnMask: Tensor | undefined,
    keyPaddingMask: Tensor | undefined,
    causal: boolean,
    n: number,
    l: number,
    s: number,
    dtype: Tensor['dtype'],
  ): Tensor | undefined {
    const additive = (mask: Tensor, what: string): Tensor => {
      if (mask.dtype === 'int32') return where(mask, Number.NEGATIVE_INFINITY, 0).cast(dtype);
      if (mask.dtype !== dtype) {
        throw new DTypeError(`MultiheadAttention: ${what} must be int32 or ${dtype} like the query, got ${mask.dtype}`);
      }
      return mask;
    };
    const parts: Tensor[] = [];
    if (attnMask !== undefined) {
      const ok =
        (attnMask.rank === 2 && attnMask.shape[0] === l && attnMask.shape[1] === s) ||
        (attnMask.rank === 3 &&
          attnMask.shape[0] === n * this.numHeads &&
          attnMask.shape[1] === l &&
          attnMask.shape[2] === s);
      if (!ok) {
        throw new ShapeError(
          `MultiheadAttention: attnMask must be [L, S] = [${l}, ${s}] or [N * numHeads, L, S] = [${n * this.numHeads}, ${l}, ${s}], got ${fmtShape(attnMask.shape)}`,
        );
      }
      const mask = additive(attnMask, 'attnMask');
      parts.push(mask.rank === 3 ? mask.reshape([n, this.numHeads, l, s]) : mask);
    }
    if (keyPaddingMask !== undefined) {
      if (keyPaddingMask.rank !== 2 || keyPaddingMask.shape[0] !== n || keyPaddingMask.shape[1] !== s) {
        throw new ShapeError(
          `MultiheadAttention: keyPaddingMask must be [N, S] = [${n}, ${s}], got ${fmtShape(keyPaddingMask.shape)}`,
        );
      }
      parts.push(additive(keyPaddingMask, 'keyPaddingMask').reshape([n, 1, 1, s]));
    }
    if (causal) {
      const triangle = Array.from({ length: l * s }, (_, i) =>
        i % s > Math.floor(i / s) ? Number.NEGATIVE_INFINITY : 0,
      );
      parts.push(tensor(triangle, [l, s], dtype));
    }
    return parts.length === 0 ? undefined : parts.reduce((a, b) => a.add(b));
  }

  override getConfig(): Record<string, unknown> {
    return {
      embedDim: this.embedDim,
      numHeads: this.numHeads,
      dropout: this.dropout,
      bias: this.in_proj_bias !== null,
      batchFirst: this.batchFirst,
    };
  }

  static fromConfig(config: Record<string, unknown>): MultiheadAttention {
    const name = 'MultiheadAttention';
    return new MultiheadAttention(configNumber(name, config, 'embedDim'), configNumber(name, config, 'numHeads'), {
      dropout: configNumber(name, config, 'dropout', 0),
      bias: configBoolean(name, config, 'bias', true),
      batchFirst: configBoolean(name, config, 'batchFirst', true),
    });
  }
}

/** Inverted dropout of attention weights (the weights returned are those before it, as PyTorch). */
function dropWeights(weights: Tensor, p: number, generator: Generator): Tensor {
  const keepMask = rand(weights.shape, { generator, dtype: weights.dtype === 'float64' ? 'float64' : 'float32' });
  return weights.mul(
    keepMask
      .greater(p)
      .cast(weights.dtype)
      .mul(1 / (1 - p)),
  );
}
