import { scaledDotProductAttention } from '@nn/tensor';
import { describe, it } from 'vitest';
import { checkParityCase, loadParityCases, type ParityRun } from './parity';

const ops: Record<string, ParityRun> = {
  // A boolean mask arrives as float32 0/1 (torch_cases.py): @nn's keep mask is int32.
  sdpa: ({ q, k, v, mask }, { isCausal, scale }) =>
    scaledDotProductAttention(q!, k!, v!, {
      attnMask: mask?.dtype === 'float32' ? mask.cast('int32') : mask,
      isCausal: isCausal as boolean | undefined,
      scale: scale as number | undefined,
    }),
};

describe('scaledDotProductAttention agrees with PyTorch 1.13 (forward and gradients, float64)', () => {
  for (const c of loadParityCases('attention')) it(c.name, () => checkParityCase(c, ops[c.op]!));
});
