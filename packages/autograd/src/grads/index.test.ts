import { KERNEL_NAMES } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { gradRules, NOT_DIFFERENTIABLE } from './index';

describe('gradRules', () => {
  it('gives every kernel a rule or an explicit not-differentiable mark', () => {
    for (const name of KERNEL_NAMES) {
      const rule = gradRules[name];
      const ok = rule === NOT_DIFFERENTIABLE || (typeof rule === 'object' && typeof rule.vjp === 'function');
      expect(ok, `kernel ${name} has neither a gradient rule nor a not-differentiable mark`).toBe(true);
    }
    expect(Object.keys(gradRules).sort()).toEqual([...KERNEL_NAMES].sort());
  });

  it('marks exactly the piecewise-constant kernels, MaxPool2DBackward and the optimizer updates as not differentiable', () => {
    const marked = KERNEL_NAMES.filter((name) => gradRules[name] === NOT_DIFFERENTIABLE);
    expect(marked.sort()).toEqual([
      'AdamUpdate',
      'ArgMax',
      'Equal',
      'Greater',
      'Less',
      'MaxPool2DBackward',
      'OneHot',
      'SGDUpdate',
    ]);
  });

  it('saves only inputs that exist on the kernel', () => {
    for (const name of KERNEL_NAMES) {
      const rule = gradRules[name];
      if (rule === NOT_DIFFERENTIABLE) continue;
      for (const input of rule.save ?? []) expect(typeof input).toBe('string');
    }
  });
});
