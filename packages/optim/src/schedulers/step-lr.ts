/** StepLR: the learning rate times `gamma` every `stepSize` epochs (`torch.optim.lr_scheduler.StepLR`). */
import type { OptionKeys } from '@nn/tensor';
import type { Optimizer } from '../optimizer';
import { checkNumber } from '../validate';
import { LRScheduler, type SchedulerOptionValue } from './scheduler';

/** Options of `StepLR` (PyTorch's `step_size`, `gamma`). */
export interface StepLROptions {
  stepSize: number;
  gamma?: number;
}

const OPTIONS: OptionKeys<StepLROptions> = { stepSize: true, gamma: true };

/**
 * Multiplies the learning rate by `gamma` every `stepSize` epochs.
 * @example const sched = new StepLR(opt, { stepSize: 10, gamma: 0.1 }); // after each epoch: sched.step()
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  override get type(): string {
    return 'StepLR';
  }

  constructor(optimizer: Optimizer, options: StepLROptions) {
    super(optimizer);
    options = this.checkOptions(options, OPTIONS, true);
    this.stepSize = checkNumber('StepLR', 'stepSize', options.stepSize, { min: 1, integer: true });
    this.gamma = checkNumber('StepLR', 'gamma', options.gamma ?? 0.1, { min: 0 });
    this.initialStep();
  }

  protected computeLr(current: number, epoch: number): number {
    if (epoch === 0 || epoch % this.stepSize !== 0) return current;
    return current * this.gamma;
  }

  protected options(): Record<string, SchedulerOptionValue> {
    return { stepSize: this.stepSize, gamma: this.gamma };
  }
}
