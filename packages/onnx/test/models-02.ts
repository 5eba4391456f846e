/** Models of the 0.2 layers the export, import and round-trip tests share (built from public layers only). */
import {
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  ELU,
  Embedding,
  GELU,
  LayerNorm,
  Linear,
  Module,
  ReLU,
  Sigmoid,
  SiLU,
  Softplus,
  TransformerEncoder,
  TransformerEncoderLayer,
  Upsample,
} from '@nn/layers';
import { adaptiveAvgPool2d, conv2d, cumsum, randn, type Tensor, topk } from '@nn/tensor';

/** A 2-layer TransformerEncoder over [N, T, 16], optionally causal. */
export class Encoder extends Module {
  encoder: TransformerEncoder;

  constructor(
    opts: { normFirst: boolean; activation: 'relu' | 'gelu' },
    readonly causal: boolean,
  ) {
    super();
    const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true, ...opts });
    this.encoder = new TransformerEncoder(layer, 2);
  }

  forward(x: Tensor): Tensor {
    return this.encoder.forward(x, { isCausal: this.causal });
  }
}

/** A conv autoencoder for 1x16x16 images: two strided convs down, a ConvTranspose2d and an Upsample up. */
export class Autoencoder extends Module {
  down1 = new Conv2d(1, 4, 3, { stride: 2, padding: 1 });
  down2 = new Conv2d(4, 8, 3, { stride: 2, padding: 1 });
  act = new ReLU();
  up1 = new ConvTranspose2d(8, 4, 3, { stride: 2, padding: 1, outputPadding: 1 });
  up2: Upsample;
  out = new Conv2d(4, 1, 3, { padding: 1 });
  squash = new Sigmoid();

  constructor(mode: 'nearest' | 'bilinear', alignCorners?: boolean) {
    super();
    this.up2 = new Upsample(
      mode === 'nearest' ? { scaleFactor: 2 } : { scaleFactor: 2, mode, ...(alignCorners ? { alignCorners } : {}) },
    );
  }

  forward(x: Tensor): Tensor {
    const code = this.act.forward(this.down2.forward(this.act.forward(this.down1.forward(x))));
    return this.squash.forward(this.out.forward(this.up2.forward(this.act.forward(this.up1.forward(code)))));
  }
}

/** A character-level GPT: token and position embeddings, causal pre-norm Transformer blocks, a Linear head. */
export class CharGpt extends Module {
  tokens: Embedding;
  positions: Embedding;
  blocks: TransformerEncoder;
  norm = new LayerNorm(16);
  head: Linear;

  constructor(
    vocab: number,
    readonly context: number,
  ) {
    super();
    this.tokens = new Embedding(vocab, 16);
    this.positions = new Embedding(context, 16);
    const block = new TransformerEncoderLayer(16, 2, {
      dimFeedforward: 64,
      activation: 'gelu',
      normFirst: true,
      batchFirst: true,
      dropout: 0.1,
    });
    this.blocks = new TransformerEncoder(block, 2);
    this.head = new Linear(16, vocab);
  }

  forward(ids: Tensor): Tensor {
    const t = ids.shape[1]!;
    const positions = this.positions.weight.slice([0, 0], [t, 16]);
    const h = this.blocks.forward(this.tokens.forward(ids).add(positions), { isCausal: true });
    return this.head.forward(this.norm.forward(h));
  }
}

/** Grouped, dilated and depthwise convolutions (the conv2d op: the Conv2d layer has no groups), and transposed ones. */
export class GroupedConvs extends Module {
  groupedWeight = randn([8, 2, 3, 3]).mul(0.3);
  depthwiseWeight = randn([8, 1, 3, 3]).mul(0.3);
  transposed = new ConvTranspose2d(8, 4, 3, { groups: 2, dilation: 2, stride: 2, padding: 1, outputPadding: 1 });
  strip = new Conv1d(4, 6, 3, { dilation: 2, groups: 2 });
  act = new ELU(0.5);

  forward(x: Tensor): Tensor {
    const grouped = conv2d(x, this.groupedWeight, { groups: 2, dilation: 2, padding: 2 });
    const depthwise = conv2d(grouped, this.depthwiseWeight, { groups: 8, stride: 2, padding: 1 });
    const h = this.transposed.forward(this.act.forward(depthwise));
    const [n, c] = [h.shape[0]!, h.shape[1]!];
    return this.strip.forward(h.reshape([n, c, h.shape[2]! * h.shape[3]!]));
  }
}

/** The new unary kernels, adaptive pooling, cumsum and topk in one graph over [N, 4, 6, 6]. */
export class Pointwise extends Module {
  gelu = new GELU({ approximate: 'tanh' });
  silu = new SiLU();
  softplus = new Softplus({ beta: 2, threshold: 3 });
  scale = randn([4, 1, 1]);

  forward(x: Tensor): Tensor {
    const smooth = this.softplus.forward(this.silu.forward(this.gelu.forward(x.mul(this.scale))));
    const rounded = x.mul(3).round().add(x.mul(2).floor()).add(x.ceil()).add(x.sign());
    const waves = x.sin().add(x.cos()).add(x.erf()).add(x.abs().add(1).reciprocal());
    const logs = x.abs().log1p().add(x.tanh().expm1()).add(x.abs().add(0.5).rsqrt());
    const pooled = adaptiveAvgPool2d(smooth.add(rounded).add(waves).add(logs), [4, 4]); // irregular windows
    const flat = pooled.reshape([x.shape[0]!, 64]);
    const best = topk(flat, 5).values;
    return best.add(cumsum(flat, 1, { reverse: true }).slice([0, 0], [x.shape[0]!, 5]));
  }
}
