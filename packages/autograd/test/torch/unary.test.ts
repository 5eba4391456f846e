import {
  ceil,
  cos,
  elu,
  erf,
  expm1,
  floor,
  gelu,
  log1p,
  reciprocal,
  round,
  rsqrt,
  sign,
  silu,
  sin,
  softplus,
  type Tensor,
} from '@nn/tensor';
import { describe, it } from 'vitest';
import { asOptions, checkParityCase, loadParityCases, type ParityRun } from './parity';

const plain: Record<string, (x: Tensor) => Tensor> = {
  sign,
  floor,
  ceil,
  round,
  sin,
  cos,
  erf,
  log1p,
  expm1,
  reciprocal,
  rsqrt,
  silu,
};
const ops: Record<string, ParityRun> = {
  ...Object.fromEntries(Object.entries(plain).map(([name, f]) => [name, ({ x }) => f(x!)])),
  gelu: ({ x }, opts) => gelu(x!, asOptions<Parameters<typeof gelu>[1]>(opts)),
  elu: ({ x }, { alpha }) => elu(x!, alpha as number | undefined),
  softplus: ({ x }, opts) => softplus(x!, asOptions<Parameters<typeof softplus>[1]>(opts)),
};

describe('0.2 unary ops agree with PyTorch 1.13 (forward and gradients, float64)', () => {
  for (const c of loadParityCases('unary')) it(c.name, () => checkParityCase(c, ops[c.op]!));
});
