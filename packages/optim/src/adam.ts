/** Adam and AdamW, exactly as `torch.optim.Adam` / `torch.optim.AdamW` (PyTorch 1.13 single-tensor path). */
import { adamUpdate, maximum, type OptionKeys, type Tensor, ValueError } from '@nn/tensor';
import { type HyperparamValue, Optimizer, type OptimizerOptions, type UpdateContext } from './optimizer';
import { checkBoolean, checkNumber } from './validate';

/** Options of `Adam` and `AdamW` (PyTorch's, camelCase). */
export interface AdamOptions extends OptimizerOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  /** Adam: L2 penalty added to the gradient. AdamW: decoupled decay `p *= 1 - lr * weightDecay` (default 1e-2). */
  weightDecay?: number;
  amsgrad?: boolean;
}

const KNOWN: OptionKeys<AdamOptions> = {
  lr: true,
  betas: true,
  eps: true,
  weightDecay: true,
  amsgrad: true,
  clipGradNorm: true,
};

/**
 * Adam: `m = b1*m + (1-b1)*g`, `v = b2*v + (1-b2)*g*g`, `denom = sqrt(v) / sqrt(1 - b2^t) + eps`,
 * `p -= (lr / (1 - b1^t)) * m / denom` (with amsgrad, `v` in denom is the running maximum).
 * @example const opt = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer {
  override get type(): string {
    return 'Adam';
  }

  beta1 = 0.9;
  beta2 = 0.999;
  eps = 1e-8;
  weightDecay = 0;
  amsgrad = false;
  /** AdamW decays the weights directly instead of adding an L2 term to the gradient. */
  protected get decoupled(): boolean {
    return false;
  }

  constructor(params: readonly Tensor[], options: AdamOptions = {}) {
    super(params, options, KNOWN, 1e-3);
    this.setHyperparams({ ...options, lr: this.lr });
  }

  protected update(param: Tensor, grad: Tensor, context: UpdateContext): Tensor {
    const { beta1, beta2, eps, weightDecay, lr } = this;
    const { step } = context;
    const m0 = context.get('exp_avg');
    const v0 = context.get('exp_avg_sq');
    if (!this.amsgrad && (step === 1 || (m0 !== undefined && v0 !== undefined))) {
      // One fused kernel instead of ~10: the same formula in the same float order (bit-identical results).
      // At step 1 the moments start at zero and are not read: the gradient stands in for them.
      const attrs = { lr, beta1, beta2, eps, weightDecay, decoupled: this.decoupled, step };
      const [p, m, v] = adamUpdate(param, grad, m0 ?? grad, v0 ?? grad, attrs);
      context.set('exp_avg', m);
      context.set('exp_avg_sq', v);
      return p;
    }
    let p = param;
    let g = grad;
    if (weightDecay !== 0) {
      if (this.decoupled) p = param.mul(1 - lr * weightDecay);
      else g = grad.add(param.mul(weightDecay));
    }
    // PyTorch: exp_avg.mul_(b1).add_(g, alpha=1-b1); exp_avg_sq.mul_(b2).addcmul_(g, g, value=1-b2).
    const m = m0 ? m0.mul(beta1).add(g.mul(1 - beta1)) : g.mul(1 - beta1);
    const gg = g.mul(1 - beta2).mul(g);
    const v = v0 ? v0.mul(beta2).add(gg) : gg;
    context.set('exp_avg', m);
    context.set('exp_avg_sq', v);
    let second = v;
    if (this.amsgrad) {
      const max0 = context.get('max_exp_avg_sq');
      second = max0 ? maximum(max0, v) : v;
      context.set('max_exp_avg_sq', second);
    }
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
    const stepSize = lr / biasCorrection1;
    const denom = second.sqrt().div(biasCorrection2Sqrt).add(eps);
    // addcdiv_(m, denom, value=-stepSize) computes p + (value * m) / denom.
    return p.add(m.mul(-stepSize).div(denom));
  }

  protected getHyperparams(): Record<string, HyperparamValue> {
    const { lr, beta1, beta2, eps, weightDecay, amsgrad } = this;
    return { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad };
  }

  protected setHyperparams(values: Record<string, unknown>): void {
    const owner = this.type;
    const lr = checkNumber(owner, 'lr', values.lr, { min: 0 });
    const betas = values.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) {
      throw new ValueError(`${owner}: betas must be a pair [beta1, beta2], got ${JSON.stringify(betas)}`);
    }
    const beta1 = checkNumber(owner, 'betas[0]', betas[0], { min: 0, below: 1 });
    const beta2 = checkNumber(owner, 'betas[1]', betas[1], { min: 0, below: 1 });
    const eps = checkNumber(owner, 'eps', values.eps ?? 1e-8, { min: 0 });
    const weightDecay = checkNumber(owner, 'weightDecay', values.weightDecay ?? this.defaultWeightDecay(), { min: 0 });
    const amsgrad = checkBoolean(owner, 'amsgrad', values.amsgrad ?? false);
    this.lrValue = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.amsgrad = amsgrad;
  }

  protected defaultWeightDecay(): number {
    return 0;
  }

  protected bufferNames(): string[] {
    return this.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq'];
  }
}

/**
 * AdamW: Adam with decoupled weight decay, `p *= 1 - lr * weightDecay` before the Adam step (default 1e-2).
 * @example const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 */
export class AdamW extends Adam {
  override get type(): string {
    return 'AdamW';
  }

  protected override get decoupled(): boolean {
    return true;
  }

  protected override defaultWeightDecay(): number {
    return 1e-2;
  }
}
