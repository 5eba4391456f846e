/** RMSprop exactly as `torch.optim.RMSprop` (PyTorch 1.13 single-tensor path). */
import type { OptionKeys, Tensor } from '@nn/tensor';
import { type HyperparamValue, Optimizer, type OptimizerOptions, type UpdateContext } from './optimizer';
import { checkBoolean, checkNumber } from './validate';

/** Options of `RMSprop` (PyTorch's, camelCase). */
export interface RMSpropOptions extends OptimizerOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  momentum?: number;
  weightDecay?: number;
  centered?: boolean;
}

const KNOWN: OptionKeys<RMSpropOptions> = {
  lr: true,
  alpha: true,
  eps: true,
  momentum: true,
  weightDecay: true,
  centered: true,
  clipGradNorm: true,
};

/**
 * RMSprop: `v = alpha*v + (1-alpha)*g*g`; `avg = sqrt(v - gAvg^2 if centered else v) + eps`;
 * with momentum `buf = momentum*buf + g/avg; p -= lr*buf`, else `p -= lr * g / avg`.
 * @example const opt = new RMSprop(model.parameters(), { lr: 1e-2 });
 */
export class RMSprop extends Optimizer {
  alpha = 0.99;
  eps = 1e-8;
  momentum = 0;
  weightDecay = 0;
  centered = false;

  override get type(): string {
    return 'RMSprop';
  }

  constructor(params: readonly Tensor[], options: RMSpropOptions = {}) {
    super(params, options, KNOWN, 1e-2);
    this.setHyperparams({ ...options, lr: this.lr });
  }

  protected update(param: Tensor, grad: Tensor, context: UpdateContext): Tensor {
    const { alpha, eps, momentum, weightDecay, lr } = this;
    const g = weightDecay !== 0 ? grad.add(param.mul(weightDecay)) : grad;
    // square_avg.mul_(alpha).addcmul_(g, g, value=1-alpha): addcmul computes self + (value * g) * g.
    const gg = g.mul(1 - alpha).mul(g);
    const sq0 = context.get('square_avg');
    const squareAvg = sq0 ? sq0.mul(alpha).add(gg) : gg;
    context.set('square_avg', squareAvg);
    let avg: Tensor;
    if (this.centered) {
      const ga0 = context.get('grad_avg');
      const gradAvg = ga0 ? ga0.mul(alpha).add(g.mul(1 - alpha)) : g.mul(1 - alpha);
      context.set('grad_avg', gradAvg);
      // square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
      avg = squareAvg.add(gradAvg.neg().mul(gradAvg)).sqrt();
    } else {
      avg = squareAvg.sqrt();
    }
    avg = avg.add(eps);
    if (momentum > 0) {
      // buf.mul_(momentum).addcdiv_(g, avg); param.add_(buf, alpha=-lr)
      const buf0 = context.get('momentum_buffer');
      const ratio = g.div(avg);
      const buf = buf0 ? buf0.mul(momentum).add(ratio) : ratio;
      context.set('momentum_buffer', buf);
      return param.sub(buf.mul(lr));
    }
    // param.addcdiv_(g, avg, value=-lr) computes p + (-lr * g) / avg.
    return param.add(g.mul(-lr).div(avg));
  }

  protected getHyperparams(): Record<string, HyperparamValue> {
    const { lr, alpha, eps, momentum, weightDecay, centered } = this;
    return { lr, alpha, eps, momentum, weightDecay, centered };
  }

  protected setHyperparams(values: Record<string, unknown>): void {
    const lr = checkNumber('RMSprop', 'lr', values.lr, { min: 0 });
    const alpha = checkNumber('RMSprop', 'alpha', values.alpha ?? 0.99, { min: 0 });
    const eps = checkNumber('RMSprop', 'eps', values.eps ?? 1e-8, { min: 0 });
    const momentum = checkNumber('RMSprop', 'momentum', values.momentum ?? 0, { min: 0 });
    const weightDecay = checkNumber('RMSprop', 'weightDecay', values.weightDecay ?? 0, { min: 0 });
    const centered = checkBoolean('RMSprop', 'centered', values.centered ?? false);
    this.lrValue = lr;
    this.alpha = alpha;
    this.eps = eps;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.centered = centered;
  }

  protected bufferNames(): string[] {
    const names = ['square_avg'];
    if (this.momentum > 0) names.push('momentum_buffer');
    if (this.centered) names.push('grad_avg');
    return names;
  }
}
