import { avgPool2d, conv2d, logSoftmax, matmul, maxPool2d, softmax } from '@nn/tensor';
import { describe, it } from 'vitest';
import { asOptions, checkParityCase, loadParityCases, type ParityRun } from './parity';

type PoolOptions = Parameters<typeof maxPool2d>[1];
const ops: Record<string, ParityRun> = {
  softmax: ({ x }, { axis }) => softmax(x!, axis as number),
  logSoftmax: ({ x }, { axis }) => logSoftmax(x!, axis as number),
  matmul: ({ a, b }) => matmul(a!, b!),
  conv2d: ({ x, w }, opts) => conv2d(x!, w!, opts),
  maxPool2d: ({ x }, opts) => maxPool2d(x!, asOptions<PoolOptions>(opts)),
  avgPool2d: ({ x }, opts) => avgPool2d(x!, asOptions<PoolOptions>(opts)),
};

describe('0.1 ops agree with PyTorch 1.13 (forward and gradients, float64)', () => {
  for (const c of loadParityCases('core')) it(c.name, () => checkParityCase(c, ops[c.op]!));
});
