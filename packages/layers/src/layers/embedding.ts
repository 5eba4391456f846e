/** Embedding: a lookup table of `numEmbeddings` vectors, indexed by int32 ids, with PyTorch's `weight` and init. */
import { noGrad } from '@nn/autograd';
import {
  checkOptions,
  DTypeError,
  defaultGenerator,
  fmtShape,
  gather,
  keep,
  type OptionKeys,
  randn,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  where,
} from '@nn/tensor';
import type { InitOptions } from '../init';
import { Module } from '../module';
import { configNumber } from './config';
import { assertPositiveInt } from './linear';

/** Options of `Embedding`. */
export interface EmbeddingOptions extends InitOptions {
  /** The id of a padding token: its row starts at zeros and never receives a gradient (negative counts from the end). */
  paddingIdx?: number;
}

const EMBEDDING_OPTIONS: OptionKeys<EmbeddingOptions> = { paddingIdx: true, generator: true };

/**
 * Maps int32 ids of any shape to vectors: [...] -> [..., embeddingDim]; `weight` [numEmbeddings, embeddingDim]
 * starts as N(0, 1), as PyTorch.
 * @example new Embedding(1000, 64, { paddingIdx: 0 }).forward(tokens) // tokens int32 [N, T] -> [N, T, 64]
 */
export class Embedding extends Module {
  weight: Tensor;
  /** The padding id, made non-negative (PyTorch stores `padding_idx` the same way), or undefined. */
  readonly paddingIdx: number | undefined;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    checkOptions('Embedding', options, EMBEDDING_OPTIONS);
    assertPositiveInt('Embedding', 'numEmbeddings', numEmbeddings);
    assertPositiveInt('Embedding', 'embeddingDim', embeddingDim);
    const { paddingIdx } = options;
    if (paddingIdx !== undefined) {
      if (!Number.isInteger(paddingIdx) || paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
        throw new ValueError(
          `Embedding: paddingIdx must be an integer in [-${numEmbeddings}, ${numEmbeddings}), got ${String(paddingIdx)}`,
        );
      }
      this.paddingIdx = paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    }
    const weight = randn([numEmbeddings, embeddingDim], { generator: options.generator ?? defaultGenerator });
    if (this.paddingIdx === undefined) {
      this.weight = keep(weight);
    } else {
      const row = this.paddingIdx;
      const values = weight.dataSync().slice();
      values.fill(0, row * embeddingDim, (row + 1) * embeddingDim);
      weight.dispose();
      this.weight = keep(tensor(values, [numEmbeddings, embeddingDim]));
    }
  }

  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'int32') {
      throw new DTypeError(`Embedding: ids must be int32, got ${ids.dtype} ${fmtShape(ids.shape)}`);
    }
    return tidy(() => {
      const vectors = gather(this.weight, ids, 0);
      if (this.paddingIdx === undefined) return vectors;
      // The padding row's value still comes out (a loaded state dict may hold a non-zero one), but its gradient is
      // cut: where sends the gradient of padding positions to the untracked copy.
      const untracked = noGrad(() => gather(this.weight, ids, 0));
      const isPadding = ids.equal(this.paddingIdx).reshape([...ids.shape, 1]);
      return where(isPadding, untracked, vectors);
    });
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { numEmbeddings: this.numEmbeddings, embeddingDim: this.embeddingDim };
    if (this.paddingIdx !== undefined) config.paddingIdx = this.paddingIdx;
    return config;
  }

  static fromConfig(config: Record<string, unknown>): Embedding {
    const name = 'Embedding';
    return new Embedding(configNumber(name, config, 'numEmbeddings'), configNumber(name, config, 'embeddingDim'), {
      paddingIdx: config.paddingIdx === undefined ? undefined : configNumber(name, config, 'paddingIdx'),
    });
  }
}
