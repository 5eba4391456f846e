/** LinearLR (`torch.optim.lr_scheduler.LinearLR`): a linear ramp of the learning rate's factor, e.g. a warm-up. */
import { type OptionKeys, ValueError } from '@nn/tensor';
import type { Optimizer } from '../optimizer';
import { checkNumber } from '../validate';
import { LRScheduler, type SchedulerOptionValue } from './scheduler';

/** Options of `LinearLR` (PyTorch's `start_factor`, `end_factor`, `total_iters`). */
export interface LinearLROptions {
  /** The factor at step 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** The factor from step `totalIters` on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Steps the ramp takes (default 5). */
  totalIters?: number;
}

const OPTIONS: OptionKeys<LinearLROptions> = { startFactor: true, endFactor: true, totalIters: true };

/**
 * Multiplies the base learning rate by a factor going linearly from `startFactor` to `endFactor` over
 * `totalIters` steps, then keeps it. PyTorch's recursive form, so it composes with changes made from outside.
 * @example const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 10 }); // lr/10 -> lr in 10 epochs
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  override get type(): string {
    return 'LinearLR';
  }

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    super(optimizer);
    const owner = 'LinearLR';
    options = this.checkOptions(options, OPTIONS, false);
    this.startFactor = checkNumber(owner, 'startFactor', options.startFactor ?? 1 / 3, { min: 0, minExclusive: true });
    this.endFactor = checkNumber(owner, 'endFactor', options.endFactor ?? 1, { min: 0 });
    this.totalIters = checkNumber(owner, 'totalIters', options.totalIters ?? 5, { min: 1, integer: true });
    // PyTorch refuses factors above 1 too; a factor of 0 at the start would divide by zero in the next step.
    for (const [name, value] of [
      ['startFactor', this.startFactor],
      ['endFactor', this.endFactor],
    ] as const) {
      if (value > 1) throw new ValueError(`${owner}: ${name} must be <= 1, got ${value}`);
    }
    this.initialStep();
  }

  protected computeLr(current: number, epoch: number): number {
    const { startFactor, endFactor, totalIters } = this;
    if (epoch === 0) return current * startFactor;
    if (epoch > totalIters) return current;
    return (
      current * (1 + (endFactor - startFactor) / (totalIters * startFactor + (epoch - 1) * (endFactor - startFactor)))
    );
  }

  protected options(): Record<string, SchedulerOptionValue> {
    return { startFactor: this.startFactor, endFactor: this.endFactor, totalIters: this.totalIters };
  }
}
