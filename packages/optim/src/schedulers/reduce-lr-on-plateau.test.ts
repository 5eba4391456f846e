import { tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { SGD } from '../sgd';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau';

describe('ReduceLROnPlateau', () => {
  it('patience 2: the third epoch without improvement reduces the rate (PyTorch docs)', () => {
    const opt = new SGD([tensor([0])], { lr: 1 });
    const sched = new ReduceLROnPlateau(opt, { patience: 2, factor: 0.5 });
    const lrs = [1.0, 0.9, 0.9, 0.9, 0.9, 0.8].map((loss) => {
      sched.step(loss);
      return opt.lr;
    });
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5]);
    expect(sched.best).toBe(0.8);
  });

  it('cooldown: bad epochs right after a reduction are not counted', () => {
    const opt = new SGD([tensor([0])], { lr: 1 });
    const sched = new ReduceLROnPlateau(opt, { patience: 0, cooldown: 2, factor: 0.5 });
    const lrs = [1, 2, 2, 2, 2, 2].map((loss) => {
      sched.step(loss);
      return opt.lr;
    });
    expect(lrs).toEqual([1, 0.5, 0.5, 0.5, 0.25, 0.25]);
  });

  it('minLr bounds the rate, and a reduction smaller than eps is skipped', () => {
    const opt = new SGD([tensor([0])], { lr: 1 });
    const sched = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.1, minLr: 0.05 });
    for (let i = 0; i < 4; i++) sched.step(1);
    expect(opt.lr).toBe(0.05);
    const tiny = new SGD([tensor([0])], { lr: 1e-8 });
    const skip = new ReduceLROnPlateau(tiny, { patience: 0 });
    skip.step(1);
    skip.step(1);
    expect(tiny.lr).toBe(1e-8);
  });

  it('reads a scalar Tensor metric; step() without one is a ValueError that changes nothing', () => {
    const opt = new SGD([tensor([0])], { lr: 1 });
    const sched = new ReduceLROnPlateau(opt, { mode: 'max', patience: 0 });
    sched.step(tensor(0.5));
    expect(sched.best).toBe(0.5);
    expect(() => sched.step()).toThrow(/expected the monitored value \(e.g. step\(valLoss\)\), got undefined/);
    expect(sched.lastEpoch).toBe(1);
  });

  it.each([
    [{ mode: 'minimum' }, /mode must be 'min' or 'max', got minimum/],
    [{ thresholdMode: 'relative' }, /thresholdMode must be 'rel' or 'abs', got relative/],
    [{ factor: 1 }, /factor must be < 1, got 1/],
    [{ patience: 1.5 }, /patience must be an integer/],
    [{ cooldown: -1 }, /cooldown must be >= 0/],
    [{ min_lr: 0.1 }, /unknown option 'min_lr'; did you mean 'minLr'\?/],
    [{ threshold_mode: 'abs' }, /unknown option 'threshold_mode'; did you mean 'thresholdMode'\?/],
  ])('%j -> ValueError', (options, message) => {
    const opt = new SGD([tensor([0])], { lr: 1 });
    expect(() => new ReduceLROnPlateau(opt, options as object)).toThrow(ValueError);
    expect(() => new ReduceLROnPlateau(opt, options as object)).toThrow(message);
  });
});
