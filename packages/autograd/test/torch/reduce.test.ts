import { cumsum, logsumexp, std, variance } from '@nn/tensor';
import { describe, it } from 'vitest';
import { asOptions, checkParityCase, loadParityCases, type ParityRun } from './parity';

type VarianceOptions = Parameters<typeof variance>[2];

type Axis = number | number[] | undefined;
const ops: Record<string, ParityRun> = {
  logsumexp: ({ x }, { axis, keepDims }) => logsumexp(x!, axis as Axis, keepDims as boolean | undefined),
  var: ({ x }, { axis, ...opts }) => variance(x!, axis as Axis, asOptions<VarianceOptions>(opts)),
  std: ({ x }, { axis, ...opts }) => std(x!, axis as Axis, asOptions<VarianceOptions>(opts)),
  cumsum: ({ x }, { axis }) => cumsum(x!, axis as number),
};

describe('0.2 reductions agree with PyTorch 1.13 (forward and gradients, float64)', () => {
  for (const c of loadParityCases('reduce')) it(c.name, () => checkParityCase(c, ops[c.op]!));
});
