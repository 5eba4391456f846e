import { add, getBackend, keep, memory, registerBackend, removeBackend, type Tensor, tensor } from '@nn/tensor';
import {
  type Backend,
  CpuBackend,
  cpuKernels,
  KERNEL_NAMES,
  type KernelMap,
  type NotImplemented,
  refusesAttrs,
  reportFallback,
  runCpuKernel,
} from '@nn/tensor/backend';
import {
  type ConformanceReport,
  checkKernelMap,
  conformanceCases,
  conformanceKernelCoverage,
  runConformance,
  unsupportedCases,
} from '@nn/tensor/testing';
import { describe, expect, it } from 'vitest';

/** A CPU backend under another name, with the given kernels and declarations, that cannot store float64. */
function cpuVariant(name: string, kernels: KernelMap, notImplemented?: readonly NotImplemented[]): Backend {
  const cpu = new CpuBackend();
  return Object.assign(Object.create(cpu) as Backend, {
    name,
    kernels,
    notImplemented,
    supportsDType: (dtype: string) => dtype !== 'float64',
  });
}

/** Runs the suite on `backend`, registered for the run only. */
async function reportOn(backend: Backend): Promise<ConformanceReport> {
  registerBackend(backend.name, () => backend, 0);
  try {
    return await runConformance(backend.name);
  } finally {
    removeBackend(backend.name);
  }
}

/** The names of the cases that failed on `backend`. */
async function failedOn(backend: Backend): Promise<string[]> {
  return (await reportOn(backend)).failed.map((f) => f.name);
}

const casesUsing = (kernel: string): string[] =>
  conformanceCases.filter((c) => (c.kernels as readonly string[]).includes(kernel)).map((c) => c.name);

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

describe('fallbacks fail the suite unless declared', () => {
  const { Add: _add, ...withoutAdd } = cpuKernels;

  it('a kernel missing from the map fails every case that uses it', async () => {
    const backend = cpuVariant('no-add', withoutAdd);
    const report = await reportOn(backend);
    const runnable = casesUsing('Add').filter((name) => !unsupportedCases(backend).includes(name));
    expect(runnable.length).toBeGreaterThan(0);
    expect(report.failed.map((f) => f.name)).toEqual(expect.arrayContaining(runnable));
    for (const f of report.failed) expect(f.message).toMatch(/Add ran on the CPU fallback but backend 'no-add'/);
  });

  it('passes when the backend declares the kernel as not implemented', async () => {
    expect(await failedOn(cpuVariant('no-add-declared', withoutAdd, ['Add']))).toEqual([]);
  });

  it('a host path reported with reportFallback fails too, unless that dtype is declared', async () => {
    // Add on int32 inputs computed by the reference kernel and reported: the int32 Add cases fall back.
    const kernels: KernelMap = {
      ...cpuKernels,
      Add: (args) => (args.inputs.a.dtype === 'int32' ? runCpuKernel('Add', args) : cpuKernels.Add(args)),
    };
    const failed = await failedOn(cpuVariant('int-add-host', kernels));
    expect(failed.length).toBeGreaterThan(0);
    const declared = cpuVariant('int-add-declared', kernels, [{ kernel: 'Add', dtypes: ['int32'] }]);
    expect(await failedOn(declared)).toEqual([]);
    // Declaring another dtype does not cover it.
    expect(await failedOn(cpuVariant('float-add-declared', kernels, [{ kernel: 'Add', dtypes: ['float64'] }]))).toEqual(
      failed,
    );
  });

  it('attribute values a backend does not take: refused by its kernel, declared, and only those calls covered', async () => {
    // A Conv2D that computes only undilated calls itself and runs the reference kernel for the rest.
    const declaration = { kernel: 'Conv2D', attrs: { dilation: [1, 1] }, reason: 'no dilated taps' } as const;
    const kernels: KernelMap = {
      ...cpuKernels,
      Conv2D: (args) =>
        refusesAttrs(args.backend, 'Conv2D', args.attrs) ? runCpuKernel('Conv2D', args) : cpuKernels.Conv2D(args),
    };
    const dilated = conformanceCases
      .filter((c) => c.kernels.includes('Conv2D') && /dilation/.test(c.name))
      .map((c) => c.name);
    expect(dilated.length).toBeGreaterThan(0);
    // Refusing the same calls without the declaration fails exactly the dilated cases.
    const undeclared = cpuVariant('conv-undeclared', {
      ...cpuKernels,
      Conv2D: (args) =>
        args.attrs.dilation.some((d) => d !== 1) ? runCpuKernel('Conv2D', args) : cpuKernels.Conv2D(args),
    });
    expect(await failedOn(undeclared)).toEqual(dilated);
    expect(await failedOn(cpuVariant('conv-declared', kernels, [declaration]))).toEqual([]);
    // The declaration does not cover an undilated call that falls back.
    const always = cpuVariant('conv-always', { ...cpuKernels, Conv2D: (args) => runCpuKernel('Conv2D', args) }, [
      declaration,
    ]);
    const undilated = casesUsing('Conv2D').filter((name) => !dilated.includes(name));
    expect(await failedOn(always)).toEqual(undilated);
  });

  it('reportFallback() alone marks the call', async () => {
    const kernels: KernelMap = {
      ...cpuKernels,
      Neg: (args) => {
        reportFallback();
        return cpuKernels.Neg(args);
      },
    };
    const report = await reportOn(cpuVariant('neg-reported', kernels));
    expect(report.fallbackKernels).toEqual(['Neg']);
    expect(report.failed.map((f) => f.name)).toEqual(expect.arrayContaining(casesUsing('Neg')));
    for (const f of report.failed) {
      expect(f.message).toMatch(/Neg ran on the CPU fallback but backend 'neg-reported' does not declare it/);
    }
  });
});

describe('checkKernelMap and unsupportedCases', () => {
  const { Add: _add, ...withoutAdd } = cpuKernels;

  it('reports a kernel neither in the map nor declared, and declarations that contradict the map', () => {
    expect(checkKernelMap(new CpuBackend())).toEqual([]);
    expect(checkKernelMap(cpuVariant('a', withoutAdd))).toEqual([
      'Add: not in the kernel map and not declared as not implemented',
    ]);
    expect(checkKernelMap(cpuVariant('b', withoutAdd, ['Add']))).toEqual([]);
    expect(checkKernelMap(cpuVariant('c', cpuKernels, ['Add']))).toEqual([
      'Add: declared as not implemented but in the kernel map',
    ]);
    expect(checkKernelMap(cpuVariant('d', withoutAdd, ['Add', { kernel: 'Add', dtypes: ['int32'] }]))).toEqual([
      'Add: declared for dtypes int32 but not in the kernel map at all',
    ]);
    const attrs = { kernel: 'MatMul', attrs: { transposeA: false }, reason: 'test' } as const;
    const { MatMul: _matmul, ...withoutMatMul } = cpuKernels;
    expect(checkKernelMap(cpuVariant('e', withoutMatMul, ['MatMul', attrs]))).toEqual([
      'MatMul: declared for attributes other than {"transposeA":false} but not in the kernel map at all',
    ]);
  });

  it('derives the skipped cases from their dtype metadata', () => {
    expect(unsupportedCases(new CpuBackend())).toEqual([]);
    const float64 = unsupportedCases(cpuVariant('e', cpuKernels));
    expect(float64).toEqual(conformanceCases.filter((c) => c.dtypes?.includes('float64')).map((c) => c.name));
    expect(float64.length).toBeGreaterThan(0);
  });
});
