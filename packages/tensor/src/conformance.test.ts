import { add, getBackend, KERNEL_NAMES, keep, memory, type Tensor, tensor } from '@nn/tensor';
import { conformanceCases, conformanceKernelCoverage, runConformance } from '@nn/tensor/testing';
import { describe, expect, it } from 'vitest';

describe('conformance suite on the cpu backend', () => {
  it('passes every case without leaks', async () => {
    const before = memory();
    const report = await runConformance('cpu');
    const failures = report.failed.map((f) => `${f.name}: ${f.message}`).join('\n');
    expect(report.failed.length, `failed cases:\n${failures}`).toBe(0);
    expect(report.skipped).toEqual([]);
    expect(report.passed.length).toBe(conformanceCases.length);
    expect(report.kernelsCovered).toEqual([...KERNEL_NAMES]);
    expect(memory().numTensors).toBe(before.numTensors);
    expect(getBackend().name).toBe('cpu');
  });

  it('has a case for every kernel of the contract', () => {
    expect(conformanceKernelCoverage()).toEqual([]);
  });

  it('has unique case names', () => {
    const names = conformanceCases.map((c) => c.name);
    const repeated = names.filter((n, i) => names.indexOf(n) !== i);
    expect(repeated).toEqual([]);
  });

  it('reports cases using skipped kernels as skipped', async () => {
    const report = await runConformance('cpu', { skip: ['MatMul', 'Conv2D'] });
    const usesSkipped = conformanceCases.filter((c) => c.kernels.includes('MatMul') || c.kernels.includes('Conv2D'));
    expect(report.skipped.sort()).toEqual(usesSkipped.map((c) => c.name).sort());
    expect(report.failed).toEqual([]);
  });

  it('reports a wrong value, a wrong shape, a leak and a kernel that did not run as failures', async () => {
    const leaked: Tensor[] = [];
    const report = await runConformance('cpu', {
      cases: [
        { name: 'wrong value', kernels: ['Add'], run: () => add(tensor([1]), 1), expected: [3] },
        { name: 'wrong shape', kernels: ['Add'], run: () => add(tensor([1]), 1), expected: [[2]] },
        {
          name: 'leak',
          kernels: ['Add'],
          run: () => {
            leaked.push(keep(tensor([5])));
            return add(tensor([1]), 1);
          },
          expected: [2],
        },
        { name: 'missing kernel', kernels: ['Sub'], run: () => add(tensor([1]), 1), expected: [2] },
        { name: 'throws', kernels: ['Add'], run: () => add(tensor([1, 2]), tensor([1, 2, 3])), expected: [2] },
        { name: 'ok', kernels: ['Add'], run: () => add(tensor([1]), 1), expected: [2] },
      ],
    });
    for (const t of leaked) t.dispose();
    expect(report.passed).toEqual(['ok']);
    const messages = Object.fromEntries(report.failed.map((f) => [f.name, f.message]));
    expect(messages['wrong value']).toMatch(/got 2, expected 3/);
    expect(messages['wrong shape']).toMatch(/shape \[1\], expected \[1,1\]/);
    expect(messages.leak).toMatch(/leaked 1 tensors/);
    expect(messages['missing kernel']).toMatch(/Sub did not run/);
    expect(messages.throws).toMatch(/ShapeError: add: shapes cannot be broadcast: \[2\] and \[3\]/);
  });
});
