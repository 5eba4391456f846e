import { ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { checkLayerCase, checkRoundTrip } from '../../test/layer-parity';
import { ELU, GELU, SiLU, Softplus } from './smooth-activations';

describe('GELU, SiLU, ELU, Softplus against PyTorch 1.13', () => {
  const cases = [
    ['gelu', () => new GELU()],
    ['geluTanh', () => new GELU({ approximate: 'tanh' })],
    ['silu', () => new SiLU()],
    ['elu', () => new ELU(0.7)],
    ['softplus', () => new Softplus({ beta: 2, threshold: 5 })],
  ] as const;
  for (const [name, make] of cases) {
    it(name, () => {
      checkLayerCase(name, make());
      checkRoundTrip(name, make());
    });
  }

  it('PyTorch defaults and argument checks', () => {
    expect(new GELU().getConfig()).toEqual({ approximate: 'none' });
    expect(new ELU().alpha).toBe(1);
    expect(new Softplus().getConfig()).toEqual({ beta: 1, threshold: 20 });
    expect(() => new GELU({ approximate: 'erf' as never })).toThrow(
      new ValueError("GELU: approximate must be 'none' or 'tanh', got 'erf'"),
    );
    expect(() => new Softplus({ beta: 0 })).toThrow('Softplus: beta must be a finite non-zero number, got 0');
    expect(() => new SiLU({ inplace: true } as never)).toThrow(ValueError);
  });
});
