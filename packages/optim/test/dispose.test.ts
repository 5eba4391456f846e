import { memory, NNError, StateError, type Tensor, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW, type Optimizer, RMSprop, SGD, StepLR } from '../src';

const makers: [string, (params: Tensor[]) => Optimizer][] = [
  ['SGD with momentum', (p) => new SGD(p, { lr: 0.1, momentum: 0.9 })],
  ['Adam', (p) => new Adam(p)],
  ['Adam amsgrad', (p) => new Adam(p, { amsgrad: true })],
  ['AdamW', (p) => new AdamW(p)],
  ['RMSprop centered with momentum', (p) => new RMSprop(p, { momentum: 0.9, centered: true })],
];

/** Takes two optimizer steps on y = w * x + b, leaving its state buffers allocated. */
function train(opt: Optimizer, [w, b]: Tensor[]): void {
  const x = tensor([0, 1, 2, 3]);
  const y = tensor([1, 3, 5, 7]);
  for (let i = 0; i < 2; i++) opt.step(() => x.mul(w!).add(b!).sub(y).square().mean()).dispose();
  x.dispose();
  y.dispose();
}

describe('Optimizer.dispose', () => {
  it.each(makers)('%s frees its state tensors, and only those', (_, make) => {
    const params = [tensor([0.5]), tensor([0])];
    const before = memory().numTensors;
    const opt = make(params);
    train(opt, params);
    expect(memory().numTensors).toBeGreaterThan(before); // moments / momentum buffers exist
    opt.dispose();
    expect(memory().numTensors).toBe(before);
    expect(opt.isDisposed).toBe(true);
    // The parameters belong to the model: still usable.
    expect(params.every((p) => !p.isDisposed)).toBe(true);
    expect(params[0]!.dataSync()).toHaveLength(1);
  });

  it('is idempotent and works before any step', () => {
    const params = [tensor([1, 2])];
    const before = memory().numTensors;
    const fresh = new Adam(params);
    fresh.dispose();
    fresh.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('makes step, applyGradients, stateDict and loadStateDict throw a StateError naming the optimizer', () => {
    const params = [tensor([0.5]), tensor([0])];
    const opt = new Adam(params, { lr: 0.1 });
    train(opt, params);
    const saved = opt.stateDict();
    opt.dispose();
    const grads = params.map((p) => p.clone());
    let ran = false;
    const closure = () => {
      ran = true;
      return params[0]!.sum();
    };
    expect(() => opt.step(closure)).toThrow(StateError);
    expect(() => opt.step(closure)).toThrow(NNError);
    expect(() => opt.step(closure)).toThrow(/^Adam\.step: the optimizer was disposed .*create a new optimizer$/);
    expect(ran).toBe(false);
    expect(() => opt.applyGradients(grads)).toThrow(/Adam\.applyGradients: the optimizer was disposed/);
    expect(() => opt.stateDict()).toThrow(/Adam\.stateDict: the optimizer was disposed/);
    expect(() => opt.loadStateDict(saved)).toThrow(/Adam\.loadStateDict: the optimizer was disposed/);
    // Nothing was allocated by the refused calls; a schedule may still set lr without harm.
    const schedule = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    schedule.step();
    expect(opt.lr).toBeCloseTo(0.05, 10);
    for (const g of grads) g.dispose();
  });

  it('a loaded state is freed too', () => {
    const params = [tensor([0.5]), tensor([0])];
    const source = new SGD(params, { lr: 0.1, momentum: 0.9 });
    train(source, params);
    const state = source.stateDict();
    source.dispose();
    const before = memory().numTensors;
    const restored = new SGD(params, { lr: 0.1, momentum: 0.9 });
    restored.loadStateDict(state);
    expect(memory().numTensors).toBe(before + 2);
    restored.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
