/**
 * OneCycleLR (`torch.optim.lr_scheduler.OneCycleLR`): the 1cycle policy, stepped after every batch. The
 * learning rate rises from `maxLr / divFactor` to `maxLr` and falls to `initialLr / finalDivFactor`, while the
 * momentum (SGD/RMSprop `momentum`, Adam's `beta1`) moves the opposite way.
 */
import { type OptionKeys, ValueError } from '@nn/tensor';
import type { Optimizer } from '../optimizer';
import { checkBoolean, checkNumber } from '../validate';
import { LRScheduler, type SchedulerOptionValue } from './scheduler';

/** Options of `OneCycleLR`: PyTorch's arguments in camelCase (`max_lr` -> `maxLr`, ...). */
export interface OneCycleLROptions {
  maxLr: number;
  /** The number of steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** The fraction of the cycle spent raising the learning rate (default 0.3). */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Cycle the momentum inversely to the learning rate (default true; needs an optimizer with momentum or betas). */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  /** The first learning rate is `maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** The last learning rate is the first divided by this (default 1e4). */
  finalDivFactor?: number;
  /** Three phases as in the original paper (up, down to the start, then to the minimum) instead of two. */
  threePhase?: boolean;
}

const OPTIONS: OptionKeys<OneCycleLROptions> = {
  maxLr: true,
  totalSteps: true,
  epochs: true,
  stepsPerEpoch: true,
  pctStart: true,
  annealStrategy: true,
  cycleMomentum: true,
  baseMomentum: true,
  maxMomentum: true,
  divFactor: true,
  finalDivFactor: true,
  threePhase: true,
};

type Level = 'initial' | 'max' | 'min';

interface Phase {
  endStep: number;
  startLr: Level;
  endLr: Level;
  startMomentum: 'max' | 'base';
  endMomentum: 'max' | 'base';
}

/** Sets the optimizer's momentum as OneCycleLR sees it: Adam's `beta1`, else a numeric `momentum` field. */
type MomentumSetter = (value: number) => void;

function momentumSetter(optimizer: Optimizer): MomentumSetter | undefined {
  const target = optimizer as unknown as Record<string, unknown>;
  const name = typeof target.beta1 === 'number' ? 'beta1' : typeof target.momentum === 'number' ? 'momentum' : '';
  if (name === '') return undefined;
  return (value) => {
    target[name] = value;
  };
}

/**
 * The 1cycle learning-rate policy; call `step()` after every batch (`totalSteps` times in all).
 * @example const sched = new OneCycleLR(opt, { maxLr: 0.01, epochs: 10, stepsPerEpoch: loader.length });
 */
export class OneCycleLR extends LRScheduler {
  readonly maxLr: number;
  readonly totalSteps: number;
  readonly pctStart: number;
  readonly annealStrategy: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  readonly baseMomentum: number;
  readonly maxMomentum: number;
  readonly divFactor: number;
  readonly finalDivFactor: number;
  readonly threePhase: boolean;
  private readonly initialLr: number;
  private readonly minLr: number;
  private readonly phases: Phase[];
  private readonly setMomentum: MomentumSetter | undefined;

  override get type(): string {
    return 'OneCycleLR';
  }

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    super(optimizer);
    const owner = 'OneCycleLR';
    options = this.checkOptions(options, OPTIONS, true);
    const positiveInt = { min: 1, integer: true };
    if (options.totalSteps !== undefined) {
      this.totalSteps = checkNumber(owner, 'totalSteps', options.totalSteps, positiveInt);
    } else if (options.epochs !== undefined || options.stepsPerEpoch !== undefined) {
      const epochs = checkNumber(owner, 'epochs', options.epochs, positiveInt);
      this.totalSteps = epochs * checkNumber(owner, 'stepsPerEpoch', options.stepsPerEpoch, positiveInt);
    } else {
      throw new ValueError(`${owner}: give either totalSteps or both epochs and stepsPerEpoch`);
    }
    this.maxLr = checkNumber(owner, 'maxLr', options.maxLr, { min: 0 });
    this.pctStart = checkNumber(owner, 'pctStart', options.pctStart ?? 0.3, { min: 0 });
    if (this.pctStart > 1) throw new ValueError(`${owner}: pctStart must be <= 1, got ${this.pctStart}`);
    const strategy = options.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') {
      throw new ValueError(`${owner}: annealStrategy must be 'cos' or 'linear', got ${String(strategy)}`);
    }
    this.annealStrategy = strategy;
    this.cycleMomentum = checkBoolean(owner, 'cycleMomentum', options.cycleMomentum ?? true);
    this.baseMomentum = checkNumber(owner, 'baseMomentum', options.baseMomentum ?? 0.85, { min: 0 });
    this.maxMomentum = checkNumber(owner, 'maxMomentum', options.maxMomentum ?? 0.95, { min: 0 });
    this.divFactor = checkNumber(owner, 'divFactor', options.divFactor ?? 25, { min: 0, minExclusive: true });
    this.finalDivFactor = checkNumber(owner, 'finalDivFactor', options.finalDivFactor ?? 1e4, {
      min: 0,
      minExclusive: true,
    });
    this.threePhase = checkBoolean(owner, 'threePhase', options.threePhase ?? false);
    this.phases = this.makePhases();
    this.initialLr = this.maxLr / this.divFactor;
    this.minLr = this.initialLr / this.finalDivFactor;
    this.baseLr = this.initialLr;
    this.setMomentum = this.cycleMomentum ? momentumSetter(optimizer) : undefined;
    if (this.cycleMomentum) {
      if (this.setMomentum === undefined) {
        throw new ValueError(
          `${owner}: cycleMomentum needs an optimizer with momentum or betas (SGD, RMSprop, Adam, AdamW), ` +
            `got ${optimizer.type}; pass cycleMomentum: false`,
        );
      }
      for (const value of [this.baseMomentum, this.maxMomentum]) {
        if (value >= 1) throw new ValueError(`${owner}: momentum values must be < 1, got ${value}`);
      }
      this.setMomentum(this.maxMomentum);
    }
    this.initialStep();
  }

  private makePhases(): Phase[] {
    const { pctStart, totalSteps } = this;
    const phases: Phase[] = this.threePhase
      ? [
          {
            endStep: pctStart * totalSteps - 1,
            startLr: 'initial',
            endLr: 'max',
            startMomentum: 'max',
            endMomentum: 'base',
          },
          {
            endStep: 2 * pctStart * totalSteps - 2,
            startLr: 'max',
            endLr: 'initial',
            startMomentum: 'base',
            endMomentum: 'max',
          },
          { endStep: totalSteps - 1, startLr: 'initial', endLr: 'min', startMomentum: 'max', endMomentum: 'max' },
        ]
      : [
          {
            endStep: pctStart * totalSteps - 1,
            startLr: 'initial',
            endLr: 'max',
            startMomentum: 'max',
            endMomentum: 'base',
          },
          { endStep: totalSteps - 1, startLr: 'max', endLr: 'min', startMomentum: 'base', endMomentum: 'max' },
        ];
    // PyTorch divides by a phase's length: a phase of zero steps is a ZeroDivisionError there; say why here.
    let start = 0;
    for (const [i, phase] of phases.entries()) {
      if (phase.endStep === start) {
        throw new ValueError(
          `OneCycleLR: phase ${i + 1} of ${phases.length} has no steps (pctStart ${pctStart} x totalSteps ` +
            `${totalSteps}); change pctStart or totalSteps`,
        );
      }
      start = phase.endStep;
    }
    return phases;
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    const cosOut = Math.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2) * cosOut;
  }

  private level(level: Level): number {
    return level === 'initial' ? this.initialLr : level === 'max' ? this.maxLr : this.minLr;
  }

  protected computeLr(_current: number, step: number): number {
    if (step > this.totalSteps) {
      throw new ValueError(
        `OneCycleLR: step() called ${step} times, past the cycle's totalSteps ${this.totalSteps} ` +
          '(call it once per batch, after the optimizer step)',
      );
    }
    // The first phase that has not ended; the last one also covers any step past its end.
    let index = 0;
    while (index < this.phases.length - 1 && step > this.phases[index]!.endStep) index++;
    const phase = this.phases[index]!;
    const start = index === 0 ? 0 : this.phases[index - 1]!.endStep;
    const pct = (step - start) / (phase.endStep - start);
    if (this.setMomentum) {
      const momentum = (which: 'max' | 'base') => (which === 'max' ? this.maxMomentum : this.baseMomentum);
      this.setMomentum(this.anneal(momentum(phase.startMomentum), momentum(phase.endMomentum), pct));
    }
    // Step totalSteps (set after the last batch, never trained with) extrapolates past the minimum: linear
    // annealing makes that negative in PyTorch, which an optimizer refuses here, so it stops at 0.
    return Math.max(0, this.anneal(this.level(phase.startLr), this.level(phase.endLr), pct));
  }

  protected options(): Record<string, SchedulerOptionValue> {
    const { maxLr, totalSteps, pctStart, annealStrategy, cycleMomentum, baseMomentum, maxMomentum } = this;
    const { divFactor, finalDivFactor, threePhase } = this;
    return {
      maxLr,
      totalSteps,
      pctStart,
      annealStrategy,
      cycleMomentum,
      baseMomentum,
      maxMomentum,
      divFactor,
      finalDivFactor,
      threePhase,
    };
  }
}
