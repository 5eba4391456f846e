/**
 * TransformerEncoderLayer and TransformerEncoder with PyTorch's structure and parameter names
 * (`layers.0.self_attn.in_proj_weight`, `layers.0.linear1.weight`, `layers.0.norm1.weight`, ...).
 */
import { checkOptions, describeValue, gelu, type OptionKeys, relu, type Tensor, tidy, ValueError } from '@nn/tensor';
import type { InitOptions } from '../init';
import { Module } from '../module';
import type { ModuleClass } from '../registry';
import { MultiheadAttention } from './attention';
import { configBoolean, configNumber } from './config';
import { Dropout } from './dropout';
import { LayerNorm } from './layer-norm';
import { assertPositiveInt, Linear } from './linear';

/** Options of `TransformerEncoderLayer` (PyTorch's defaults, except batchFirst: true). */
export interface TransformerEncoderLayerOptions extends InitOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block, and on the attention weights (default 0.1). */
  dropout?: number;
  /** The feed-forward activation (default 'relu'). */
  activation?: 'relu' | 'gelu';
  /** LayerNorm's eps (default 1e-5). */
  layerNormEps?: number;
  /** Normalise before each block (pre-LN) instead of after it (default false, the original Transformer). */
  normFirst?: boolean;
  /** Inputs and outputs are [N, L, E] (default true); false: [L, N, E]. */
  batchFirst?: boolean;
}

/** The masks of a Transformer encoder's forward pass, as PyTorch's `mask` and `src_key_padding_mask`. */
export interface EncoderForwardOptions {
  /** [L, L] (or [N * nhead, L, L]): int32 1 = may not attend, or an additive float mask. */
  mask?: Tensor;
  /** `[N, L]`: int32 1 marks a padding position no query attends to. */
  srcKeyPaddingMask?: Tensor;
  /** Each position attends to itself and earlier ones only (default false). */
  isCausal?: boolean;
}

const LAYER_OPTIONS: OptionKeys<TransformerEncoderLayerOptions> = {
  dimFeedforward: true,
  dropout: true,
  activation: true,
  layerNormEps: true,
  normFirst: true,
  batchFirst: true,
  generator: true,
};
const FORWARD_OPTIONS: OptionKeys<EncoderForwardOptions> = { mask: true, srcKeyPaddingMask: true, isCausal: true };

/**
 * One encoder block: self-attention and a feed-forward network, each with a residual connection and LayerNorm.
 * @example new TransformerEncoderLayer(128, 4, { dimFeedforward: 512, activation: 'gelu', normFirst: true })
 */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly dimFeedforward: number;
  readonly dropoutP: number;
  readonly activation: 'relu' | 'gelu';
  readonly layerNormEps: number;
  readonly normFirst: boolean;
  readonly batchFirst: boolean;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    options: TransformerEncoderLayerOptions = {},
  ) {
    super();
    checkOptions('TransformerEncoderLayer', options, LAYER_OPTIONS);
    assertPositiveInt('TransformerEncoderLayer', 'dModel', dModel);
    assertPositiveInt('TransformerEncoderLayer', 'nhead', nhead);
    const {
      dimFeedforward = 2048,
      dropout = 0.1,
      activation = 'relu',
      layerNormEps = 1e-5,
      normFirst = false,
      batchFirst = true,
      generator,
    } = options;
    assertPositiveInt('TransformerEncoderLayer', 'dimFeedforward', dimFeedforward);
    if (activation !== 'relu' && activation !== 'gelu') {
      throw new ValueError(
        `TransformerEncoderLayer: activation must be 'relu' or 'gelu', got ${describeValue(activation)}`,
      );
    }
    this.dimFeedforward = dimFeedforward;
    this.dropoutP = dropout;
    this.activation = activation;
    this.layerNormEps = layerNormEps;
    this.normFirst = normFirst;
    this.batchFirst = batchFirst;
    const init = generator === undefined ? {} : { generator };
    // Field order is PyTorch's registration order, so stateDict() lists the same keys in the same order.
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst, ...init });
    this.linear1 = new Linear(dModel, dimFeedforward, init);
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, init);
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps });
    this.dropout1 = new Dropout(dropout);
    this.dropout2 = new Dropout(dropout);
  }

  forward(src: Tensor, options: EncoderForwardOptions = {}): Tensor {
    checkOptions('TransformerEncoderLayer.forward', options, FORWARD_OPTIONS);
    const { mask, srcKeyPaddingMask, isCausal = false } = options;
    return tidy(() => {
      const attend = (x: Tensor) => {
        const { output } = this.self_attn.forward(x, x, x, {
          ...(mask === undefined ? {} : { attnMask: mask }),
          ...(srcKeyPaddingMask === undefined ? {} : { keyPaddingMask: srcKeyPaddingMask }),
          isCausal,
        });
        return this.dropout1.forward(output);
      };
      const feedForward = (x: Tensor) => {
        const hidden = this.linear1.forward(x);
        const activated = this.activation === 'gelu' ? gelu(hidden) : relu(hidden);
        return this.dropout2.forward(this.linear2.forward(this.dropout.forward(activated)));
      };
      let x = src;
      if (this.normFirst) {
        x = x.add(attend(this.norm1.forward(x)));
        return x.add(feedForward(this.norm2.forward(x)));
      }
      x = this.norm1.forward(x.add(attend(x)));
      return this.norm2.forward(x.add(feedForward(x)));
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      dModel: this.dModel,
      nhead: this.nhead,
      dimFeedforward: this.dimFeedforward,
      dropout: this.dropoutP,
      activation: this.activation,
      layerNormEps: this.layerNormEps,
      normFirst: this.normFirst,
      batchFirst: this.batchFirst,
    };
  }

  static fromConfig(config: Record<string, unknown>): TransformerEncoderLayer {
    const name = 'TransformerEncoderLayer';
    const activation = config.activation ?? 'relu';
    return new TransformerEncoderLayer(configNumber(name, config, 'dModel'), configNumber(name, config, 'nhead'), {
      dimFeedforward: configNumber(name, config, 'dimFeedforward', 2048),
      dropout: configNumber(name, config, 'dropout', 0.1),
      activation: activation as 'relu',
      layerNormEps: configNumber(name, config, 'layerNormEps', 1e-5),
      normFirst: configBoolean(name, config, 'normFirst', false),
      batchFirst: configBoolean(name, config, 'batchFirst', true),
    });
  }
}

/**
 * `numLayers` copies of `layer` (same initial weights, as PyTorch's deep copies) applied in turn.
 * @example new TransformerEncoder(new TransformerEncoderLayer(128, 4), 4).forward(x, { isCausal: true })
 */
export class TransformerEncoder extends Module {
  /** The copies, named `layers.0`, `layers.1`, ... */
  readonly layers: Module[];

  constructor(
    layer: Module,
    readonly numLayers: number,
  ) {
    super();
    if (!(layer instanceof Module)) throw new ValueError('TransformerEncoder: layer must be a Module');
    assertPositiveInt('TransformerEncoder', 'numLayers', numLayers);
    this.layers = Array.from({ length: numLayers }, () => copyOf(layer));
  }

  forward(src: Tensor, options: EncoderForwardOptions = {}): Tensor {
    checkOptions('TransformerEncoder.forward', options, FORWARD_OPTIONS);
    return tidy(() => {
      let x = src;
      for (const layer of this.layers) x = layer.forward(x, options) as Tensor;
      return x;
    });
  }

  override getConfig(): Record<string, unknown> {
    return { numLayers: this.numLayers };
  }

  /** The layer the copies are made of (saveModel stores its architecture once). */
  override serializedChildren(): Module[] {
    return [this.layers[0]!];
  }

  static fromConfig(config: Record<string, unknown>, children: Module[]): TransformerEncoder {
    if (children.length !== 1) throw new ValueError('TransformerEncoder: expected one child layer');
    return new TransformerEncoder(children[0]!, configNumber('TransformerEncoder', config, 'numLayers'));
  }
}

/** A new module of `layer`'s class and config holding copies of its parameters and buffers. */
function copyOf(layer: Module): Module {
  const ctor = layer.constructor as ModuleClass;
  const config = layer.getConfig();
  const copy = ctor.fromConfig
    ? ctor.fromConfig(config, layer.serializedChildren() ?? [])
    : new (ctor as unknown as new (c: Record<string, unknown>) => Module)(config);
  const dtypes = new Set(Object.values(layer.stateDict()).map((t) => t.dtype));
  if (dtypes.has('float64')) copy.to('float64');
  copy.loadStateDict(layer.stateDict());
  copy.train(layer.training);
  return copy;
}
