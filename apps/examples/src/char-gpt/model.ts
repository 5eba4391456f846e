/**
 * nanoGPT's GPT (karpathy/nanoGPT, model.py) from @nn/layers pieces: token and position embeddings, pre-LayerNorm
 * blocks of causal self-attention and a GELU MLP, a final LayerNorm, and an output head tied to the token embedding.
 * No bias in the Linear layers (nanoGPT's `bias=False`); LayerNorm keeps its bias (as torch.nn.LayerNorm).
 */
import { gradsOf, noGrad } from '@nn/autograd';
import { crossEntropy, Embedding, GELU, LayerNorm, Linear, Module, MultiheadAttention } from '@nn/layers';
import { AdamW, clipGradNorm } from '@nn/optim';
import { arange, concat, type Generator, matmul, multinomial, randn, softmax, type Tensor, tidy } from '@nn/tensor';

export interface GPTConfig {
  blockSize: number;
  vocabSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
}

/** nanoGPT's MLP: Linear(E, 4E) -> GELU -> Linear(4E, E). */
export class MLP extends Module {
  readonly c_fc: Linear;
  readonly gelu = new GELU();
  readonly c_proj: Linear;

  constructor(config: GPTConfig) {
    super();
    this.c_fc = new Linear(config.nEmbd, 4 * config.nEmbd, { bias: false });
    this.c_proj = new Linear(4 * config.nEmbd, config.nEmbd, { bias: false });
  }

  forward(x: Tensor): Tensor {
    return this.c_proj.forward(this.gelu.forward(this.c_fc.forward(x)));
  }
}

/** nanoGPT's Block: x + attn(ln_1(x)), then x + mlp(ln_2(x)). */
export class Block extends Module {
  readonly ln_1: LayerNorm;
  readonly attn: MultiheadAttention;
  readonly ln_2: LayerNorm;
  readonly mlp: MLP;

  constructor(config: GPTConfig) {
    super();
    this.ln_1 = new LayerNorm(config.nEmbd);
    // in_proj_weight [3E, E] is nanoGPT's c_attn, out_proj its c_proj.
    this.attn = new MultiheadAttention(config.nEmbd, config.nHead, { bias: false });
    this.ln_2 = new LayerNorm(config.nEmbd);
    this.mlp = new MLP(config);
  }

  forward(x: Tensor): Tensor {
    const h = this.ln_1.forward(x);
    const y = x.add(this.attn.forward(h, h, h, { isCausal: true }).output);
    return y.add(this.mlp.forward(this.ln_2.forward(y)));
  }
}

/** The character-level GPT: int32 ids [B, T] -> logits [B, T, vocabSize]. */
export class GPT extends Module {
  readonly wte: Embedding;
  readonly wpe: Embedding;
  readonly h: Block[];
  readonly ln_f: LayerNorm;

  constructor(readonly config: GPTConfig) {
    super();
    this.wte = new Embedding(config.vocabSize, config.nEmbd);
    this.wpe = new Embedding(config.blockSize, config.nEmbd);
    this.h = Array.from({ length: config.nLayer }, () => new Block(config));
    this.ln_f = new LayerNorm(config.nEmbd);
    // nanoGPT's _init_weights: N(0, 0.02) for every Linear and Embedding, and 0.02 / sqrt(2 * nLayer) for the
    // projections back into the residual stream.
    noGrad(() => {
      for (const [name, p] of this.namedParameters()) {
        if (p.rank !== 2) continue;
        const residual = name.endsWith('out_proj.weight') || name.endsWith('mlp.c_proj.weight');
        p.assign(randn(p.shape, { std: residual ? 0.02 / Math.sqrt(2 * config.nLayer) : 0.02 }));
      }
    });
  }

  forward(idx: Tensor): Tensor {
    const t = idx.shape[1]!;
    return tidy(() => {
      const pos = arange(0, t, 1, 'int32');
      let x = this.wte.forward(idx).add(this.wpe.forward(pos));
      for (const block of this.h) x = block.forward(x);
      // lm_head shares the token embedding's weight (nanoGPT's weight tying).
      return matmul(this.ln_f.forward(x), this.wte.weight, { transposeB: true });
    });
  }

  /** Mean cross-entropy of the next-token predictions: idx and targets int32 [B, T]. */
  loss(idx: Tensor, targets: Tensor): Tensor {
    return tidy(() => {
      const logits = this.forward(idx);
      return crossEntropy(logits.reshape([-1, this.config.vocabSize]), targets.reshape([-1]));
    });
  }

  /** Extends idx [1, T] by `maxNewTokens` ids sampled from softmax(logits / temperature), as nanoGPT's generate. */
  generate(idx: Tensor, maxNewTokens: number, options: { temperature?: number; generator?: Generator } = {}): Tensor {
    const { temperature = 1, generator } = options;
    let out = idx;
    for (let i = 0; i < maxNewTokens; i++) {
      const next = tidy(() =>
        noGrad(() => {
          const t = out.shape[1]!;
          const context = t <= this.config.blockSize ? out : out.slice([0, t - this.config.blockSize], [-1, -1]);
          const logits = this.forward(context);
          const last = logits.slice([0, context.shape[1]! - 1, 0], [-1, 1, -1]).reshape([out.shape[0]!, -1]);
          const probs = softmax(last.div(temperature), -1);
          return concat([out, multinomial(probs, 1, generator === undefined ? {} : { generator })], 1);
        }),
      );
      if (out !== idx) out.dispose();
      out = next;
    }
    return out;
  }
}

/** An AdamW over a parameter group, as nanoGPT's configure_optimizers splits them. */
export interface GPTOptimizer {
  /** One update: gradients of `lossFn`, clipped to a global norm, then AdamW; returns the loss. */
  step(lossFn: () => Tensor): Tensor;
  lr: number;
}

/**
 * nanoGPT's configure_optimizers: AdamW with weight decay on the matrices (dim >= 2) and none on LayerNorm
 * weights and biases, betas (0.9, 0.99) as its Shakespeare config, and clip_grad_norm_ to `gradClip` first.
 */
export function configureOptimizers(
  model: Module,
  options: { weightDecay: number; lr: number; betas: [number, number]; gradClip: number },
): GPTOptimizer {
  const params = model.parameters();
  const decay = params.filter((p) => p.rank >= 2);
  const noDecay = params.filter((p) => p.rank < 2);
  const common = { lr: options.lr, betas: options.betas };
  const decayOpt = new AdamW(decay, { ...common, weightDecay: options.weightDecay });
  const noDecayOpt = new AdamW(noDecay, { ...common, weightDecay: 0 });
  const ordered = [...decay, ...noDecay];
  return {
    get lr() {
      return decayOpt.lr;
    },
    set lr(value: number) {
      decayOpt.lr = value;
      noDecayOpt.lr = value;
    },
    step(lossFn) {
      return tidy(() => {
        const { value, grads } = gradsOf(lossFn, ordered);
        const clipped = clipGradNorm(grads, options.gradClip).grads;
        decayOpt.applyGradients(clipped.slice(0, decay.length));
        noDecayOpt.applyGradients(clipped.slice(decay.length));
        return value;
      });
    },
  };
}

/** nanoGPT's learning rate: linear warm-up, then cosine decay to minLr at lrDecayIters. */
export function learningRate(
  it: number,
  options: { lr: number; minLr: number; warmupIters: number; lrDecayIters: number },
): number {
  const { lr, minLr, warmupIters, lrDecayIters } = options;
  if (it < warmupIters) return (lr * it) / warmupIters;
  if (it > lrDecayIters) return minLr;
  const decayRatio = (it - warmupIters) / (lrDecayIters - warmupIters);
  return minLr + 0.5 * (1 + Math.cos(Math.PI * decayRatio)) * (lr - minLr);
}
