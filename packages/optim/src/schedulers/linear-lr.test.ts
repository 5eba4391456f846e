import { tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { SGD } from '../sgd';
import { LambdaLR } from './lambda-lr';
import { LinearLR } from './linear-lr';
import { StepLR } from './step-lr';

describe('LinearLR', () => {
  it('PyTorch docs: lr 0.05, startFactor 0.5, totalIters 4 -> 0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05', () => {
    const opt = new SGD([tensor([0])], { lr: 0.05 });
    const sched = new LinearLR(opt, { startFactor: 0.5, totalIters: 4 });
    const lrs = [opt.lr];
    for (let i = 0; i < 5; i++) {
      sched.step();
      lrs.push(opt.lr);
    }
    expect(lrs.map((v) => Number(v.toPrecision(12)))).toEqual([0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05]);
  });

  it('is chainable: a warm-up composes with a StepLR on the same optimizer, as in PyTorch', () => {
    const opt = new SGD([tensor([0])], { lr: 1 });
    const warmup = new LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
    const decay = new StepLR(opt, { stepSize: 2, gamma: 0.1 });
    const lrs = [opt.lr];
    for (let i = 0; i < 4; i++) {
      warmup.step();
      decay.step();
      lrs.push(opt.lr);
    }
    expect(lrs.map((v) => Number(v.toPrecision(12)))).toEqual([0.5, 0.75, 0.1, 0.1, 0.01]);
  });

  it.each([
    [{ startFactor: 0 }, /startFactor must be > 0/],
    [{ startFactor: 1.5 }, /startFactor must be <= 1, got 1.5/],
    [{ endFactor: -0.1 }, /endFactor must be >= 0/],
    [{ totalIters: 2.5 }, /totalIters must be an integer/],
    [{ start_factor: 0.1 }, /unknown option 'start_factor'; did you mean 'startFactor'\?/],
  ])('%j -> ValueError', (options, message) => {
    const opt = new SGD([tensor([0])], { lr: 1 });
    expect(() => new LinearLR(opt, options as object)).toThrow(ValueError);
    expect(() => new LinearLR(opt, options as object)).toThrow(message);
  });
});

describe('LambdaLR', () => {
  it('sets baseLr * lrLambda(epoch), from construction on', () => {
    const opt = new SGD([tensor([0])], { lr: 2 });
    const sched = new LambdaLR(opt, { lrLambda: (epoch) => 1 / (epoch + 1) });
    expect(opt.lr).toBe(2);
    sched.step();
    sched.step();
    expect(opt.lr).toBe(2 / 3);
    expect(sched.lastEpoch).toBe(2);
  });

  it('a factor that is not a finite number >= 0 is a ValueError naming the epoch, and changes nothing', () => {
    const opt = new SGD([tensor([0])], { lr: 1 });
    const sched = new LambdaLR(opt, { lrLambda: (epoch) => (epoch < 2 ? 1 : Number.NaN) });
    sched.step();
    expect(() => sched.step()).toThrow(/lrLambda\(2\) returned NaN; expected a finite number >= 0/);
    expect([opt.lr, sched.lastEpoch]).toEqual([1, 1]);
    expect(() => new LambdaLR(opt, { lrLambda: 0.5 } as never)).toThrow(/lrLambda must be a function/);
    expect(() => new LambdaLR(opt, { lr_lambda: () => 1 } as never)).toThrow(
      /unknown option 'lr_lambda'; did you mean 'lrLambda'\?/,
    );
  });
});
