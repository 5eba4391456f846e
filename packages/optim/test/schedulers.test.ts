import { FormatError, tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { CosineAnnealingLR, type LRScheduler, SGD, StepLR } from '../src';
import fixtures from './fixtures/optim.json';

function schedule(name: string, opt: SGD, options: object): LRScheduler {
  return name === 'StepLR'
    ? new StepLR(opt, options as { stepSize: number })
    : new CosineAnnealingLR(opt, options as { tMax: number });
}

describe('learning-rate schedules match PyTorch', () => {
  it.each(fixtures.schedules.map((s) => [`${s.scheduler} ${JSON.stringify(s.options)}`, s] as const))('%s', (_, s) => {
    const opt = new SGD([tensor([0])], { lr: s.lr });
    const sched = schedule(s.scheduler, opt, s.options);
    expect(sched.getLastLr()).toBe(s.lr);
    const lrs = s.lrs.map(() => {
      sched.step();
      expect(opt.lr).toBe(sched.getLastLr());
      return sched.getLastLr();
    });
    lrs.forEach((lr, i) => {
      expect(lr).toBeCloseTo(s.lrs[i]!, 15);
    });
  });

  it('StepLR by hand: 0.1, 0.1, 0.01, 0.01, 0.001', () => {
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

  it('a state dict round trip continues the same schedule', () => {
    const optA = new SGD([tensor([0])], { lr: 0.1 });
    const a = new CosineAnnealingLR(optA, { tMax: 10 });
    for (let i = 0; i < 4; i++) a.step();
    const saved = JSON.parse(JSON.stringify({ opt: optA.stateDict(), sched: a.stateDict() }));
    const optB = new SGD([tensor([0])], { lr: 0.1 });
    const b = new CosineAnnealingLR(optB, { tMax: 10 });
    optB.loadStateDict(saved.opt);
    b.loadStateDict(saved.sched);
    for (let i = 0; i < 5; i++) {
      a.step();
      b.step();
      expect(optB.lr).toBe(optA.lr);
    }
  });

  it('validates options and states', () => {
    const opt = new SGD([tensor([0])], { lr: 0.1 });
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow(ValueError);
    expect(() => new StepLR(opt, { stepSize: 1.5 })).toThrow(/stepSize must be an integer/);
    expect(() => new CosineAnnealingLR(opt, { tMax: 5, etaMin: -1 })).toThrow(ValueError);
    const sched = new StepLR(opt, { stepSize: 2 });
    expect(() => sched.loadStateDict({ ...sched.stateDict(), type: 'CosineAnnealingLR' })).toThrow(FormatError);
    expect(() => sched.loadStateDict({ ...sched.stateDict(), options: { stepSize: 3, gamma: 0.1 } })).toThrow(
      /option stepSize is 2 here but 3/,
    );
    expect(() => sched.loadStateDict({ ...sched.stateDict(), lastEpoch: -1 })).toThrow(FormatError);
  });
});
