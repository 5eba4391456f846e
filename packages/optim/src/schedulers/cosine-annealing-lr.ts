/** CosineAnnealingLR (`torch.optim.lr_scheduler.CosineAnnealingLR`), in PyTorch's recursive form. */
import type { OptionKeys } from '@nn/tensor';
import type { Optimizer } from '../optimizer';
import { checkNumber } from '../validate';
import { LRScheduler, type SchedulerOptionValue } from './scheduler';

/** Options of `CosineAnnealingLR` (PyTorch's `T_max`, `eta_min`). */
export interface CosineAnnealingLROptions {
  tMax: number;
  etaMin?: number;
}

const OPTIONS: OptionKeys<CosineAnnealingLROptions> = { tMax: true, etaMin: true };

/** Python's modulo: the result has the sign of the divisor. */
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/**
 * Cosine annealing from the base learning rate down to `etaMin` over `tMax` epochs (then back up, as PyTorch).
 * @example const sched = new CosineAnnealingLR(opt, { tMax: 50 });
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  override get type(): string {
    return 'CosineAnnealingLR';
  }

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    super(optimizer);
    options = this.checkOptions(options, OPTIONS, true);
    this.tMax = checkNumber('CosineAnnealingLR', 'tMax', options.tMax, { min: 1, integer: true });
    this.etaMin = checkNumber('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0, { min: 0 });
    this.initialStep();
  }

  protected computeLr(current: number, t: number): number {
    const { tMax, etaMin, baseLr } = this;
    if (t === 0) return current;
    if (pyMod(t - 1 - tMax, 2 * tMax) === 0) {
      return current + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    }
    return (
      ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (current - etaMin) + etaMin
    );
  }

  protected options(): Record<string, SchedulerOptionValue> {
    return { tMax: this.tMax, etaMin: this.etaMin };
  }
}
