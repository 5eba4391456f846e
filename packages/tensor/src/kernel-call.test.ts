/**
 * One kernel call through the engine: the spec infers the outputs, the typed inputs are checked against it in test
 * mode, the backend gets the resolved outputs, every call is counted as native or fallback, and an allocation that
 * cannot be had is an AllocationError naming the op.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { reportFallback } from './backend/fallback';
import type { Backend, KernelMap } from './backend/interface';
import { CpuBackend } from './backends/cpu/backend';
import { cpuKernels } from './backends/cpu/kernels';
import { engine } from './engine';
import { AllocationError, NNError } from './errors';
import { add, cast, matmul, neg, tensor, zeros } from './ops';
import { getBackend, registerBackend, removeBackend, setBackend, tidy } from './runtime';

/** A CPU backend named `name` with these kernels, which cannot store float64. */
function variant(name: string, kernels: KernelMap): Backend {
  const cpu = new CpuBackend();
  return Object.assign(Object.create(cpu) as Backend, {
    name,
    kernels,
    supportsDType: (dtype: string) => dtype !== 'float64',
  });
}

async function use(backend: Backend): Promise<void> {
  registerBackend(backend.name, () => backend, 0);
  await setBackend(backend.name);
}

afterEach(async () => {
  await setBackend('cpu');
  for (const name of ['spy', 'partial', 'liar']) removeBackend(name);
  engine.checkKernels = false;
});

describe('runKernel', () => {
  it('takes the inputs the spec names: a wrong name does not compile, and test mode refuses it at run time', () => {
    const a = tensor([1, 2]);
    // @ts-expect-error: Add takes { a, b }
    const call = () => engine.runKernel('Add', { a, c: a }, {});
    engine.checkKernels = true;
    expect(call).toThrow(NNError);
    expect(call).toThrow('Add: called with inputs {a, c}, the spec takes {a, b}');
    // @ts-expect-error: Concat takes a list
    expect(() => engine.runKernel('Concat', { tensors: a }, { axis: 0 })).toThrow(
      'Concat: input tensors must be a list of tensors',
    );
  });

  it('hands the backend the outputs the spec resolved', async () => {
    const seen: unknown[] = [];
    await use(
      variant('spy', {
        ...cpuKernels,
        MatMul: (args) => {
          seen.push(args.outputs);
          return cpuKernels.MatMul(args);
        },
      }),
    );
    matmul(tensor([[1, 2, 3]]), tensor([[1], [2], [3]])).dispose();
    expect(seen).toEqual([[{ shape: [1, 1], dtype: 'float32' }]]);
  });

  it('checks in test mode that the backend returned what the spec resolved', async () => {
    await use(
      variant('liar', { ...cpuKernels, Neg: (args) => cpuKernels.Reshape({ ...args, attrs: { shape: [2, 1] } }) }),
    );
    expect(neg(tensor([1, 2])).shape).toEqual([2, 1]);
    engine.checkKernels = true;
    expect(() => neg(tensor([1, 2]))).toThrow(
      "Neg: backend 'liar' returned output 0 as [2,1] float32, the spec resolved [2] float32",
    );
  });
});

describe('kernelCoverage counts every call as native or fallback', () => {
  it('a kernel missing from the map, a dtype the backend cannot store, and a reported host path', async () => {
    const { Mul: _mul, ...withoutMul } = cpuKernels;
    await use(
      variant('partial', {
        ...withoutMul,
        Neg: (args) => {
          if (args.inputs.x.dtype === 'int32') reportFallback();
          return cpuKernels.Neg(args);
        },
      }),
    );
    const coverage = getBackend().kernelCoverage();
    coverage.resetCounts();
    const x = tensor([1, 2]);
    add(x, x).dispose();
    x.mul(x).dispose();
    cast(x, 'float64').dispose();
    neg(x).dispose();
    neg(tensor([1], undefined, 'int32')).dispose();
    const counts = getBackend().kernelCoverage();
    expect(counts.nativeCalls).toEqual({ Add: 1, Neg: 1 });
    expect(counts.fallbackCalls).toEqual({ Mul: 1, Cast: 1, Neg: 1 });
    expect(counts.fallback).toEqual(['Mul']);
  });
});

describe('allocations that cannot be had', () => {
  it('are AllocationErrors naming the op, the shape and the bytes', () => {
    expect(() => zeros([1e6, 1e6])).toThrow(AllocationError);
    expect(() => zeros([1e6, 1e6])).toThrow(
      /^zeros: cannot allocate \[1000000,1000000\] float32 \(4000000000000 bytes\)/,
    );
    const before = engine.memory();
    expect(() => tidy(() => zeros([1e5, 1]).add(zeros([1, 1e5])))).toThrow(
      /^add: cannot allocate \[100000,100000\] float32 \(40000000000 bytes\)/,
    );
    // The failed kernel left nothing behind.
    expect(engine.memory()).toEqual(before);
  });
});
