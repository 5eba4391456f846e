import { adaptiveAvgPool2d, conv1d, conv2d, convTranspose2d, interpolate } from '@nn/tensor';
import { describe, it } from 'vitest';
import { asOptions, checkParityCase, loadParityCases, type ParityRun } from './parity';

const ops: Record<string, ParityRun> = {
  conv1d: ({ x, w }, opts) => conv1d(x!, w!, asOptions<Parameters<typeof conv1d>[2]>(opts)),
  conv2d: ({ x, w }, opts) => conv2d(x!, w!, asOptions<Parameters<typeof conv2d>[2]>(opts)),
  convTranspose2d: ({ x, w }, opts) => convTranspose2d(x!, w!, asOptions<Parameters<typeof convTranspose2d>[2]>(opts)),
  interpolate: ({ x }, opts) => interpolate(x!, asOptions<Parameters<typeof interpolate>[1]>(opts)),
  adaptiveAvgPool2d: ({ x }, { outputSize }) => adaptiveAvgPool2d(x!, outputSize as number | [number, number]),
};

describe('0.2 image ops agree with PyTorch 1.13 (forward and gradients, float64)', () => {
  for (const c of loadParityCases('image')) it(c.name, () => checkParityCase(c, ops[c.op]!));
});
