import { KERNEL_NAMES, KERNEL_SPECS, type KernelName } from '@nn/tensor/backend';
import { describe, expect, it } from 'vitest';
import { type GradRules, gradRules, NOT_DIFFERENTIABLE } from './index';

/** Inputs a rule saves, or gives a gradient for, that its kernel's spec does not take (should be none). */
function unknownInputs(rules: GradRules): string[] {
  const problems: string[] = [];
  for (const name of KERNEL_NAMES) {
    const rule = rules[name];
    if (rule === NOT_DIFFERENTIABLE) continue;
    const inputs = KERNEL_SPECS[name].inputNames;
    for (const input of rule.save ?? []) {
      if (!inputs.includes(input)) problems.push(`${name} saves '${input}', not one of its inputs [${inputs}]`);
    }
  }
  return problems;
}

describe('gradRules', () => {
  it('gives every kernel a rule or an explicit not-differentiable mark', () => {
    for (const name of KERNEL_NAMES) {
      const rule = gradRules[name];
      const ok = rule === NOT_DIFFERENTIABLE || (typeof rule === 'object' && typeof rule.vjp === 'function');
      expect(ok, `kernel ${name} has neither a gradient rule nor a not-differentiable mark`).toBe(true);
    }
    expect(Object.keys(gradRules).sort()).toEqual([...KERNEL_NAMES].sort());
  });

  it('marks exactly the piecewise-constant kernels, the fused backward kernels and the optimizer updates as not differentiable', () => {
    const marked = KERNEL_NAMES.filter((name) => gradRules[name] === NOT_DIFFERENTIABLE);
    expect(marked.sort()).toEqual([
      'AdamUpdate',
      'ArgMax',
      'AttentionBackward',
      'Equal',
      'Greater',
      'LSTMCellBackward',
      'LayerNormBackward',
      'Less',
      'MaxPool2DBackward',
      'OneHot',
      'SGDUpdate',
      'TopK',
    ]);
  });

  it("saves only inputs the kernel's spec takes", () => {
    expect(unknownInputs(gradRules)).toEqual([]);
    // The check itself: a rule saving a name its kernel does not have (the type would refuse it too) is reported.
    const wrong = { ...gradRules, Mul: { save: ['a', 'x'], vjp: () => ({}) } } as unknown as GradRules;
    expect(unknownInputs(wrong)).toEqual(["Mul saves 'x', not one of its inputs [a,b]"]);
  });

  it('returns gradients only for inputs the spec takes, as thunks', () => {
    const probe = (name: KernelName): string[] => {
      const rule = gradRules[name];
      if (rule === NOT_DIFFERENTIABLE) return [];
      // The rules only build thunks here: nothing is computed, so placeholder tensors are never read.
      const placeholder = new Proxy({}, { get: () => placeholder });
      const inputs = Object.fromEntries(KERNEL_SPECS[name].inputNames.map((n) => [n, placeholder]));
      const thunks = (rule.vjp as (c: object) => Record<string, unknown>)({
        dy: placeholder,
        inputs,
        output: placeholder,
        attrs: placeholder,
      });
      return Object.keys(thunks).filter((input) => !KERNEL_SPECS[name].inputNames.includes(input));
    };
    expect(KERNEL_NAMES.flatMap(probe)).toEqual([]);
  });
});
