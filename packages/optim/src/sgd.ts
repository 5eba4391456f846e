/** Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay (PyTorch's rule). */
import { type OptionKeys, sgdUpdate, type Tensor, ValueError } from '@nn/tensor';
import { type HyperparamValue, Optimizer, type OptimizerOptions, type UpdateContext } from './optimizer';
import { checkBoolean, checkNumber } from './validate';

/** Options of `SGD` (PyTorch's, camelCase); `lr` is required, as in PyTorch. */
export interface SGDOptions extends OptimizerOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

const KNOWN: OptionKeys<SGDOptions> = {
  lr: true,
  momentum: true,
  dampening: true,
  nesterov: true,
  weightDecay: true,
  clipGradNorm: true,
};

/**
 * SGD exactly as `torch.optim.SGD`: `g = grad + weightDecay * p`; with momentum `buf = g` on the first step,
 * then `buf = momentum * buf + (1 - dampening) * g`; `g = nesterov ? g + momentum * buf : buf`; `p -= lr * g`.
 * @example const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD extends Optimizer {
  override get type(): string {
    return 'SGD';
  }

  momentum = 0;
  dampening = 0;
  nesterov = false;
  weightDecay = 0;

  constructor(params: readonly Tensor[], options: SGDOptions) {
    super(params, options, KNOWN);
    this.setHyperparams({ ...options });
  }

  /** One fused kernel per parameter (sgdUpdate), the same formula in the same float order as PyTorch. */
  protected update(param: Tensor, grad: Tensor, context: UpdateContext): Tensor {
    const { lr, momentum, dampening, nesterov, weightDecay } = this;
    const previous = momentum !== 0 ? context.get('momentum_buffer') : undefined;
    const firstStep = previous === undefined;
    // Without a buffer (no momentum, or the first step) the kernel does not read it: the gradient stands in.
    const [p, buf] = sgdUpdate(param, grad, previous ?? grad, {
      lr,
      momentum,
      dampening,
      nesterov,
      weightDecay,
      firstStep,
    });
    if (momentum !== 0) context.set('momentum_buffer', buf);
    return p;
  }

  protected getHyperparams(): Record<string, HyperparamValue> {
    const { lr, momentum, dampening, nesterov, weightDecay } = this;
    return { lr, momentum, dampening, nesterov, weightDecay };
  }

  protected setHyperparams(values: Record<string, unknown>): void {
    const lr = checkNumber('SGD', 'lr', values.lr, { min: 0 });
    const momentum = checkNumber('SGD', 'momentum', values.momentum ?? 0, { min: 0 });
    const dampening = checkNumber('SGD', 'dampening', values.dampening ?? 0);
    const nesterov = checkBoolean('SGD', 'nesterov', values.nesterov ?? false);
    const weightDecay = checkNumber('SGD', 'weightDecay', values.weightDecay ?? 0, { min: 0 });
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new ValueError(
        `SGD: nesterov needs momentum > 0 and dampening = 0, got momentum=${momentum}, dampening=${dampening}`,
      );
    }
    this.lrValue = lr;
    this.momentum = momentum;
    this.dampening = dampening;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  protected bufferNames(): string[] {
    return this.momentum !== 0 ? ['momentum_buffer'] : [];
  }
}
