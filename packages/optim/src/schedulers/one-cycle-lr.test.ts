import { tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Adam } from '../adam';
import { type HyperparamValue, Optimizer, type UpdateContext } from '../optimizer';
import { SGD } from '../sgd';
import { OneCycleLR } from './one-cycle-lr';

/** An optimizer with neither momentum nor betas (plain gradient descent). */
class Plain extends Optimizer {
  override get type(): string {
    return 'Plain';
  }
  constructor() {
    super([tensor([0])], { lr: 0.1 }, { lr: true, clipGradNorm: true });
  }
  protected update(param: ReturnType<typeof tensor>, grad: ReturnType<typeof tensor>, _: UpdateContext) {
    return param.sub(grad.mul(this.lr));
  }
  protected getHyperparams(): Record<string, HyperparamValue> {
    return { lr: this.lr };
  }
  protected setHyperparams(): void {}
  protected bufferNames(): string[] {
    return [];
  }
}

describe('OneCycleLR', () => {
  it('starts at maxLr / divFactor, peaks at maxLr after pctStart of the cycle, ends at the minimum', () => {
    const opt = new SGD([tensor([0])], { lr: 123, momentum: 0.5 });
    const sched = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, pctStart: 0.5, divFactor: 10, finalDivFactor: 5 });
    expect(opt.lr).toBeCloseTo(0.1, 15);
    expect(opt.momentum).toBe(0.95);
    const lrs = [opt.lr];
    const momenta = [opt.momentum];
    for (let i = 0; i < 9; i++) {
      sched.step();
      lrs.push(opt.lr);
      momenta.push(opt.momentum);
    }
    // The rise ends at step pctStart * totalSteps - 1 = 4, the fall at totalSteps - 1 = 9.
    expect(lrs[4]).toBe(1);
    expect(momenta[4]).toBe(0.85);
    expect(lrs[9]).toBeCloseTo(0.1 / 5, 15);
    expect(momenta[9]).toBeCloseTo(0.95, 15);
    expect(lrs.slice(0, 5)).toEqual([...lrs.slice(0, 5)].sort((a, b) => a - b));
    expect(lrs.slice(4)).toEqual([...lrs.slice(4)].sort((a, b) => b - a));
  });

  it('epochs x stepsPerEpoch is the same cycle as totalSteps', () => {
    const a = new SGD([tensor([0])], { lr: 1, momentum: 0.9 });
    const b = new SGD([tensor([0])], { lr: 1, momentum: 0.9 });
    const byTotal = new OneCycleLR(a, { maxLr: 0.3, totalSteps: 12 });
    const byEpochs = new OneCycleLR(b, { maxLr: 0.3, epochs: 3, stepsPerEpoch: 4 });
    for (let i = 0; i < 12; i++) {
      byTotal.step();
      byEpochs.step();
      expect(b.lr).toBe(a.lr);
    }
  });

  it('cycles Adam beta1 and leaves beta2 alone', () => {
    const opt = new Adam([tensor([0])]);
    const sched = new OneCycleLR(opt, { maxLr: 0.01, totalSteps: 10 });
    expect(opt.beta1).toBe(0.95);
    for (let i = 0; i < 2; i++) sched.step();
    expect(opt.beta1).toBe(0.85); // the peak: the rise ends at step 0.3 * 10 - 1 = 2
    expect(opt.beta2).toBe(0.999);
  });

  it('stepping past totalSteps is a ValueError that changes nothing', () => {
    const opt = new SGD([tensor([0])], { lr: 1, momentum: 0.9 });
    const sched = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 5 });
    for (let i = 0; i < 5; i++) sched.step();
    const before = { lr: opt.lr, momentum: opt.momentum, epoch: sched.lastEpoch };
    expect(() => sched.step()).toThrow(/step\(\) called 6 times, past the cycle's totalSteps 5/);
    expect({ lr: opt.lr, momentum: opt.momentum, epoch: sched.lastEpoch }).toEqual(before);
  });

  it.each([
    [{ maxLr: 0.1 }, /give either totalSteps or both epochs and stepsPerEpoch/],
    [{ maxLr: 0.1, epochs: 3 }, /stepsPerEpoch must be a finite number, got undefined/],
    [{ maxLr: 0.1, totalSteps: 0 }, /totalSteps must be >= 1/],
    [{ maxLr: 0.1, totalSteps: 10, pctStart: 1.5 }, /pctStart must be <= 1/],
    [{ maxLr: 0.1, totalSteps: 10, annealStrategy: 'cosine' }, /annealStrategy must be 'cos' or 'linear', got cosine/],
    [{ maxLr: 0.1, totalSteps: 10, pctStart: 0.1 }, /phase 1 of 2 has no steps \(pctStart 0.1 x totalSteps 10\)/],
    [{ maxLr: 0.1, totalSteps: 10, maxMomentum: 1 }, /momentum values must be < 1, got 1/],
    [{ max_lr: 0.1, totalSteps: 10 }, /unknown option 'max_lr'; did you mean 'maxLr'\?/],
  ])('%j -> ValueError', (options, message) => {
    const opt = new SGD([tensor([0])], { lr: 1, momentum: 0.9 });
    expect(() => new OneCycleLR(opt, options as { maxLr: number })).toThrow(ValueError);
    expect(() => new OneCycleLR(opt, options as { maxLr: number })).toThrow(message);
  });

  it('cycleMomentum needs momentum or betas, as in PyTorch', () => {
    expect(() => new OneCycleLR(new Plain(), { maxLr: 0.1, totalSteps: 10 })).toThrow(
      /cycleMomentum needs an optimizer with momentum or betas .* got Plain; pass cycleMomentum: false/,
    );
    const sched = new OneCycleLR(new Plain(), { maxLr: 0.1, totalSteps: 10, cycleMomentum: false });
    expect(sched.getLastLr()).toBeCloseTo(0.004, 15);
  });
});
