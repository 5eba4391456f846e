import { layerNorm } from '@nn/tensor';
import { describe, it } from 'vitest';
import { checkParityCase, loadParityCases, type ParityRun } from './parity';

const ops: Record<string, ParityRun> = {
  layerNorm: ({ x, weight, bias }, { normalizedShape, eps }) =>
    layerNorm(x!, normalizedShape as number[], { weight, bias, eps: eps as number | undefined }),
};

describe('layerNorm agrees with PyTorch 1.13 (forward and gradients, float64)', () => {
  for (const c of loadParityCases('normalization')) it(c.name, () => checkParityCase(c, ops[c.op]!));
});
