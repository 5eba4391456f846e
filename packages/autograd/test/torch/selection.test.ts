import { argsort, maskedFill, slice, sort, topk, tril, triu } from '@nn/tensor';
import { describe, it } from 'vitest';
import { asOptions, checkParityCase, loadParityCases, type ParityRun } from './parity';

type SortOptions = Parameters<typeof sort>[1];
type TopKOptions = Parameters<typeof topk>[2];

const ops: Record<string, ParityRun> = {
  sort: ({ x }, opts) => {
    const { values, indices } = sort(x!, asOptions<SortOptions>(opts));
    return [values, indices];
  },
  argsort: ({ x }, opts) => argsort(x!, asOptions<SortOptions>(opts)),
  topk: ({ x }, { k, ...opts }) => {
    const { values, indices } = topk(x!, k as number, asOptions<TopKOptions>(opts));
    return [values, indices];
  },
  tril: ({ x }, { k }) => tril(x!, k as number | undefined),
  triu: ({ x }, { k }) => triu(x!, k as number | undefined),
  maskedFill: ({ x, mask, value }, args) => maskedFill(x!, mask!, value ?? (args.value as number)),
  slice: ({ x }, { begin, size }) => slice(x!, begin as number[], size as number[]),
};

describe('0.2 selection ops and negative slice begins agree with PyTorch 1.13 (forward and gradients, float64)', () => {
  for (const c of loadParityCases('selection')) it(c.name, () => checkParityCase(c, ops[c.op]!));
});
