/** LambdaLR (`torch.optim.lr_scheduler.LambdaLR`): the base learning rate times a function of the step. */
import { type OptionKeys, ValueError } from '@nn/tensor';
import type { Optimizer } from '../optimizer';
import { LRScheduler, type SchedulerOptionValue } from './scheduler';

/** Options of `LambdaLR` (PyTorch's `lr_lambda`). */
export interface LambdaLROptions {
  /** The factor at step `epoch` (0 at construction); the learning rate is `baseLr * lrLambda(epoch)`. */
  lrLambda: (epoch: number) => number;
}

const OPTIONS: OptionKeys<LambdaLROptions> = { lrLambda: true };

/**
 * Sets the learning rate to `baseLr * lrLambda(epoch)`. The function is not part of the state dict (as in
 * PyTorch): give the same one to the schedule you load a state into.
 * @example const sched = new LambdaLR(opt, { lrLambda: (epoch) => 0.95 ** epoch });
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambda: (epoch: number) => number;

  override get type(): string {
    return 'LambdaLR';
  }

  constructor(optimizer: Optimizer, options: LambdaLROptions) {
    super(optimizer);
    options = this.checkOptions(options, OPTIONS, true);
    if (typeof options.lrLambda !== 'function') {
      throw new ValueError(`LambdaLR: lrLambda must be a function of the epoch, got ${typeof options.lrLambda}`);
    }
    this.lrLambda = options.lrLambda;
    this.initialStep();
  }

  protected computeLr(_current: number, epoch: number): number {
    const factor = this.lrLambda(epoch);
    if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 0) {
      throw new ValueError(`LambdaLR: lrLambda(${epoch}) returned ${String(factor)}; expected a finite number >= 0`);
    }
    return this.baseLr * factor;
  }

  protected options(): Record<string, SchedulerOptionValue> {
    return {};
  }
}
