import { describe, expect, it } from 'vitest';
import { engine } from '../engine';
import { DTypeError, NNError, ShapeError, ValueError } from '../errors';
import { KERNEL_NAMES, kernelOutputCount } from '../kernels/contract';
import type { Tensor } from '../tensor';
import { add, mul, sub } from './binary';
import { randn, tensor } from './create';
import { adamUpdate, sgdUpdate } from './optim';
import { sqrt } from './unary';

const ADAM = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 };
const SGD = { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: false };

describe('multi-output kernels', () => {
  it('declares its output counts', () => {
    expect(KERNEL_NAMES.filter((k) => kernelOutputCount(k) !== 1)).toEqual([
      'AdamUpdate',
      'SGDUpdate',
      'AttentionBackward',
      'LSTMCellBackward',
    ]);
    expect(kernelOutputCount('Add')).toBe(1);
    expect(kernelOutputCount('AdamUpdate')).toBe(3);
  });

  it('runKernel refuses a multi-output kernel; runKernelMulti wraps every output without leaks', () => {
    const p = tensor([1, 2]);
    // @ts-expect-error: runKernel does not take a multi-output kernel (and refuses one at run time too)
    expect(() => engine.runKernel('AdamUpdate', { param: p, grad: p, m: p, v: p }, ADAM)).toThrow(NNError);
    const previous = engine.checkLeaks;
    engine.checkLeaks = true;
    try {
      const before = engine.memory().numTensors;
      const outs = engine.runKernelMulti('AdamUpdate', { param: p, grad: p, m: p, v: p }, ADAM);
      expect(outs).toHaveLength(3);
      expect(engine.memory().numTensors).toBe(before + 3);
      // Momentum 0: the buffer output is the input buffer's data, shared, not a new block.
      const [q, buf] = sgdUpdate(p, p, p, SGD);
      expect(buf!.toArray()).toEqual([1, 2]);
      expect(q!.toArray()).toEqual([Math.fround(1 - Math.fround(0.1)), Math.fround(2 - Math.fround(0.2))]);
      for (const t of [...outs, q, buf]) t.dispose();
      expect(p.toArray()).toEqual([1, 2]);
    } finally {
      engine.checkLeaks = previous;
    }
  });

  it('adamUpdate matches the unfused float32 ops bit for bit', () => {
    const p = tensor([0.3, -1.7, 2.5]);
    const g = tensor([0.01, -0.2, 3]);
    const m = tensor([0.1, 0.2, -0.3]);
    const v = tensor([0.01, 0.5, 2]);
    const step = 3;
    const [p1, m1, v1] = adamUpdate(p, g, m, v, { ...ADAM, step, weightDecay: 0.01 });
    const gd = add(g, mul(p, 0.01));
    const mu = add(mul(m, 0.9), mul(gd, 1 - 0.9));
    const vu = add(mul(v, 0.999), mul(mul(gd, 1 - 0.999), gd));
    const denom = add(sqrt(vu).div(Math.sqrt(1 - 0.999 ** step)), 1e-8);
    const pu = add(p, mul(mu, -(1e-3 / (1 - 0.9 ** step))).div(denom));
    expect(m1.dataSync()).toEqual(mu.dataSync());
    expect(v1.dataSync()).toEqual(vu.dataSync());
    expect(p1.dataSync()).toEqual(pu.dataSync());
    expect(sub(p1, pu).abs().max().item()).toBe(0);
  });

  it('validates like every op', () => {
    const a = tensor([1, 2]);
    expect(() => adamUpdate(a, tensor([1, 2, 3]), a, a, ADAM)).toThrow(ShapeError);
    expect(() => adamUpdate(a, tensor([1, 2], undefined, 'float64'), a, a, ADAM)).toThrow(DTypeError);
    const i = tensor([1, 2], undefined, 'int32');
    expect(() => adamUpdate(i, i, i, i, ADAM)).toThrow(/adamUpdate: needs float32 or float64/);
    expect(() => adamUpdate(a, a, a, a, { ...ADAM, step: 0 })).toThrow(ValueError);
    expect(() => adamUpdate(a, a, a, a, { ...ADAM, beta1: 1 })).toThrow(/betas/);
    expect(() => adamUpdate(a, a, a, a, { ...ADAM, lr: Number.NaN })).toThrow(/lr must be a finite number/);
    expect(() => sgdUpdate(a, a, a, { ...SGD, nesterov: true })).toThrow(/nesterov/);
    expect(() => sgdUpdate(a, a, tensor([[1, 2]]), SGD)).toThrow(/sgdUpdate: buf \[1,2\]/);
  });
});

describe('fused updates equal the unfused ops bit for bit over several steps', () => {
  const unfusedAdam = (p: Tensor, g: Tensor, m: Tensor | null, v: Tensor | null, a: typeof ADAM): Tensor[] => {
    let q = p;
    let d = g;
    if (a.weightDecay !== 0) {
      if (a.decoupled) q = mul(p, 1 - a.lr * a.weightDecay);
      else d = add(g, mul(p, a.weightDecay));
    }
    const m1 = m ? add(mul(m, a.beta1), mul(d, 1 - a.beta1)) : mul(d, 1 - a.beta1);
    const gg = mul(mul(d, 1 - a.beta2), d);
    const v1 = v ? add(mul(v, a.beta2), gg) : gg;
    const denom = add(sqrt(v1).div(Math.sqrt(1 - a.beta2 ** a.step)), a.eps);
    return [add(q, mul(m1, -(a.lr / (1 - a.beta1 ** a.step))).div(denom)), m1, v1];
  };
  const unfusedSgd = (p: Tensor, g: Tensor, buf: Tensor | null, a: typeof SGD): Tensor[] => {
    let d = a.weightDecay !== 0 ? add(g, mul(p, a.weightDecay)) : g;
    let b = buf ?? g;
    if (a.momentum !== 0) {
      b = buf ? add(mul(buf, a.momentum), mul(d, 1 - a.dampening)) : d;
      d = a.nesterov ? add(d, mul(b, a.momentum)) : b;
    }
    return [sub(p, mul(d, a.lr)), b];
  };
  for (const dtype of ['float32', 'float64'] as const) {
    it(`Adam, AdamW and SGD variants, ${dtype}`, () => {
      const adams = [ADAM, { ...ADAM, weightDecay: 0.05 }, { ...ADAM, weightDecay: 0.01, decoupled: true, lr: 0.02 }];
      for (const attrs of adams) {
        let p = randn([37], { seed: 1, dtype });
        let m: Tensor | null = null;
        let v: Tensor | null = null;
        let [pu, mu, vu] = [p, p, p];
        for (let step = 1; step <= 4; step++) {
          const g = randn([37], { seed: 10 + step, dtype });
          const a = { ...attrs, step };
          [p, m, v] = adamUpdate(p, g, m ?? g, v ?? g, a);
          [pu, mu, vu] = unfusedAdam(pu!, g, step === 1 ? null : mu!, step === 1 ? null : vu!, a) as [
            Tensor,
            Tensor,
            Tensor,
          ];
          expect(p.dataSync()).toEqual(pu.dataSync());
          expect(m.dataSync()).toEqual(mu.dataSync());
          expect(v.dataSync()).toEqual(vu.dataSync());
        }
      }
      const sgds = [SGD, { ...SGD, momentum: 0.9, weightDecay: 0.01 }, { ...SGD, momentum: 0.8, dampening: 0.2 }];
      for (const attrs of [...sgds, { ...SGD, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }]) {
        let p = randn([29], { seed: 2, dtype });
        let buf: Tensor | null = null;
        let [pu, bu]: (Tensor | null)[] = [p, null];
        for (let step = 1; step <= 4; step++) {
          const g = randn([29], { seed: 20 + step, dtype });
          [p, buf] = sgdUpdate(p, g, buf ?? g, { ...attrs, firstStep: step === 1 });
          [pu, bu] = unfusedSgd(pu!, g, bu ?? null, attrs) as [Tensor, Tensor];
          expect(p.dataSync()).toEqual(pu.dataSync());
          if (attrs.momentum !== 0) expect(buf.dataSync()).toEqual(bu.dataSync());
        }
      }
    });
  }
});
