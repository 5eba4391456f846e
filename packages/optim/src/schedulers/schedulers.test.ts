/** Every schedule against PyTorch 1.13 (test/fixtures/generate.py): the learning rate after each of 100 steps. */
import { FormatError, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import fixtures from '../../test/fixtures/optim.json';
import { Adam } from '../adam';
import type { Optimizer } from '../optimizer';
import { SGD } from '../sgd';
import { CosineAnnealingLR } from './cosine-annealing-lr';
import { LambdaLR } from './lambda-lr';
import { LinearLR } from './linear-lr';
import { OneCycleLR } from './one-cycle-lr';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau';
import type { LRScheduler } from './scheduler';
import { StepLR } from './step-lr';

type Schedule = (typeof fixtures.schedules)[number];

/** The fixture's lambdas, written the same way as in generate.py (Python's `//` is Math.floor of `/`). */
const LAMBDAS: Record<string, (epoch: number) => number> = {
  exponential: (epoch) => 0.95 ** epoch,
  warmup: (epoch) => Math.min(1.0, (epoch + 1) / 10),
  inverse: (epoch) => 1 / (1 + 0.1 * epoch),
  staircase: (epoch) => 0.5 ** Math.floor(epoch / 30),
};

function make(s: Schedule, opt: Optimizer): LRScheduler {
  const options = s.options as Record<string, unknown>;
  switch (s.scheduler) {
    case 'StepLR':
      return new StepLR(opt, options as { stepSize: number });
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(opt, options as { tMax: number });
    case 'LinearLR':
      return new LinearLR(opt, options);
    case 'LambdaLR':
      return new LambdaLR(opt, { lrLambda: LAMBDAS[options.lrLambda as string]! });
    case 'OneCycleLR':
      return new OneCycleLR(opt, options as { maxLr: number });
    case 'ReduceLROnPlateau':
      return new ReduceLROnPlateau(opt, options);
  }
  throw new Error(`no schedule ${s.scheduler}`);
}

/** Within 4 units in the last place of a double: the same formula, with V8's Math.cos and ** instead of glibc's. */
function expectClose(got: number, want: number, where: string): void {
  const tolerance = 4 * Number.EPSILON * Math.max(Math.abs(got), Math.abs(want));
  expect(Math.abs(got - want), `${where}: ${got} vs PyTorch ${want}`).toBeLessThanOrEqual(tolerance);
}

function label(s: Schedule): string {
  return `${s.scheduler} ${'optimizer' in s ? `(${s.optimizer}) ` : ''}${JSON.stringify(s.options)}`;
}

describe('learning rates match PyTorch 1.13 at every step', () => {
  it.each(fixtures.schedules.map((s) => [label(s), s] as const))('%s', (_, s) => {
    const params = [tensor([0])];
    const opt =
      'optimizer' in s && s.optimizer === 'Adam'
        ? new Adam(params, { lr: s.lr })
        : new SGD(params, { lr: s.lr, momentum: 0.9 });
    const sched = make(s, opt);
    const metrics = 'metrics' in s ? s.metrics?.map((m) => m ?? Number.NaN) : undefined;
    const momenta = 'momenta' in s ? s.momenta : undefined;
    const momentum = () => (opt instanceof Adam ? opt.beta1 : (opt as SGD).momentum);
    expect(s.lrs).toHaveLength(101);
    s.lrs.forEach((want, step) => {
      if (step > 0) {
        if (metrics) (sched as ReduceLROnPlateau).step(metrics[step - 1]);
        else sched.step();
      }
      expect(sched.getLastLr()).toBe(opt.lr);
      // Linear annealing past the end of a cycle goes below zero in PyTorch; an optimizer refuses that, so 0.
      expectClose(opt.lr, s.scheduler === 'OneCycleLR' ? Math.max(0, want) : want, `lr at step ${step}`);
      if (momenta) expectClose(momentum(), momenta[step]!, `momentum at step ${step}`);
    });
  });
});

describe('StepLR and CosineAnnealingLR by hand', () => {
  it('StepLR: 0.1, 0.1, 0.01, 0.01, 0.001', () => {
    const opt = new SGD([tensor([0])], { lr: 0.1 });
    const sched = new StepLR(opt, { stepSize: 2 });
    const lrs = [sched.getLastLr()];
    for (let i = 0; i < 4; i++) {
      sched.step();
      lrs.push(sched.getLastLr());
    }
    expect(lrs.map((v) => Number(v.toPrecision(12)))).toEqual([0.1, 0.1, 0.01, 0.01, 0.001]);
  });

  it('CosineAnnealingLR reaches etaMin at tMax', () => {
    const opt = new SGD([tensor([0])], { lr: 1 });
    const sched = new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.1 });
    for (let i = 0; i < 2; i++) sched.step();
    expect(opt.lr).toBeCloseTo(0.55, 12);
    for (let i = 0; i < 2; i++) sched.step();
    expect(opt.lr).toBeCloseTo(0.1, 12);
  });
});

describe('state dicts resume exactly', () => {
  const makers: [string, (opt: SGD) => LRScheduler, (s: LRScheduler, k: number) => void][] = [
    ['CosineAnnealingLR', (opt) => new CosineAnnealingLR(opt, { tMax: 10 }), (s) => s.step()],
    ['LinearLR', (opt) => new LinearLR(opt, { startFactor: 0.1, totalIters: 8 }), (s) => s.step()],
    ['LambdaLR', (opt) => new LambdaLR(opt, { lrLambda: (e) => 0.9 ** e }), (s) => s.step()],
    ['OneCycleLR', (opt) => new OneCycleLR(opt, { maxLr: 1, totalSteps: 20, threePhase: true }), (s) => s.step()],
    [
      'ReduceLROnPlateau',
      (opt) => new ReduceLROnPlateau(opt, { patience: 1, cooldown: 1 }),
      (s, k) => (s as ReduceLROnPlateau).step([5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 2][k % 12]!),
    ],
  ];

  it.each(makers)('%s: a JSON round trip (with the optimizer) continues the same schedule', (_, build, step) => {
    const optA = new SGD([tensor([0])], { lr: 0.1, momentum: 0.9 });
    const a = build(optA);
    for (let k = 0; k < 7; k++) step(a, k);
    const saved = JSON.parse(JSON.stringify({ opt: optA.stateDict(), sched: a.stateDict() }));
    const optB = new SGD([tensor([0])], { lr: 0.1, momentum: 0.9 });
    const b = build(optB);
    optB.loadStateDict(saved.opt);
    b.loadStateDict(saved.sched);
    expect(b.stateDict()).toEqual(a.stateDict());
    for (let k = 7; k < 20; k++) {
      step(a, k);
      step(b, k);
      expect(optB.lr).toBe(optA.lr);
      expect(optB.momentum).toBe(optA.momentum);
    }
  });

  it('ReduceLROnPlateau stores its infinite starting best as a string', () => {
    const sched = new ReduceLROnPlateau(new SGD([tensor([0])], { lr: 0.1 }), { mode: 'max' });
    const state = JSON.parse(JSON.stringify(sched.stateDict()));
    expect(state.counters).toEqual({ best: '-Infinity', numBadEpochs: 0, cooldownCounter: 0 });
    sched.step(0.5);
    sched.loadStateDict(state);
    expect(sched.best).toBe(Number.NEGATIVE_INFINITY);
  });

  it('bad states are FormatErrors naming the problem, and change nothing', () => {
    const opt = new SGD([tensor([0])], { lr: 0.1 });
    const step = new StepLR(opt, { stepSize: 2 });
    expect(() => step.loadStateDict({ ...step.stateDict(), type: 'CosineAnnealingLR' })).toThrow(FormatError);
    expect(() => step.loadStateDict({ ...step.stateDict(), options: { stepSize: 3, gamma: 0.1 } })).toThrow(
      /option stepSize is 2 here but 3/,
    );
    expect(() => step.loadStateDict({ ...step.stateDict(), lastEpoch: -1 })).toThrow(FormatError);
    expect(() => step.loadStateDict({ ...step.stateDict(), counters: { best: 1 } })).toThrow(/keeps no counters/);
    const plateau = new ReduceLROnPlateau(opt);
    plateau.step(1);
    const good = plateau.stateDict();
    expect(() => plateau.loadStateDict({ ...good, counters: { ...good.counters, best: 'x' } })).toThrow(
      /counters.best must be a number, got x/,
    );
    expect(() => plateau.loadStateDict({ ...good, counters: { ...good.counters, numBadEpochs: -1 } })).toThrow(
      /numBadEpochs must be a non-negative integer/,
    );
    expect(() => plateau.loadStateDict({ ...good, options: { ...good.options, mode: 'max' } })).toThrow(
      /option mode is min here but max/,
    );
    expect(plateau.stateDict()).toEqual(good);
  });
});
