import { memory } from '@nn/tensor';
import { KERNEL_NAMES } from '@nn/tensor/backend';
import { checkKernelMap, conformanceCases, runConformance } from '@nn/tensor/testing';
import { describe, expect, it } from 'vitest';
import './index';

describe('conformance suite on the wasm backend', () => {
  it('passes every case without leaks', async () => {
    const before = memory();
    // float32 kernels accumulate in float32 (sums in float64) where the reference uses float64 throughout.
    // A kernel that ran on the CPU fallback fails its case unless the backend declares it in `notImplemented`.
    const report = await runConformance('wasm', { tolerance: 1e-4 });
    const failures = report.failed.map((f) => `${f.name}: ${f.message}`).join('\n');
    expect(report.failed.length, `failed cases:\n${failures}`).toBe(0);
    expect(report.backend).toBe('wasm');
    // Only the float64 cases are skipped: float64 tensors live on the cpu backend.
    const float64Cases = conformanceCases.filter((c) => c.dtypes?.includes('float64')).map((c) => c.name);
    expect(report.skipped.sort()).toEqual(float64Cases.sort());
    expect(report.passed.length).toBe(conformanceCases.length - float64Cases.length);
    console.log(`wasm conformance: ${report.passed.length} passed, ${report.skipped.length} skipped (float64)`);
    expect(memory().numTensors).toBe(before.numTensors);
  });

  it('has every kernel of the spec in its map, and declares its fallbacks (int32 ones only)', async () => {
    const { createWasmBackend } = await import('./backend');
    const backend = await createWasmBackend({ initialMiB: 1 });
    expect(checkKernelMap(backend)).toEqual([]);
    expect(Object.keys(backend.kernels).sort()).toEqual([...KERNEL_NAMES].sort());
    const declared = backend.notImplemented.map((d) =>
      typeof d === 'string' ? d : 'dtypes' in d ? `${d.kernel}:${d.dtypes}` : `${d.kernel}:attrs`,
    );
    expect(declared.filter((d) => !d.endsWith(':int32'))).toEqual([]);
  });

  it('takes at most 10 arguments in every kernel export (more go in a struct the JS side writes, as PoolShape)', async () => {
    const { kernelsModule } = await import('./module');
    const module = await kernelsModule(false);
    const imports = Object.fromEntries(
      WebAssembly.Module.imports(module).map(({ module: m }) => [m, {}] as const),
    ) as WebAssembly.Imports;
    const fns = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function');
    // Arity from the instance: an exported wasm function's length is its parameter count.
    const instance = await WebAssembly.instantiate(module, withStubs(module, imports)).catch(() => null);
    const exports = (instance?.exports ?? {}) as Record<string, unknown>;
    const tooLong = fns
      .map(({ name }) => [name, (exports[name] as ((...a: number[]) => void) | undefined)?.length] as const)
      .filter(([name, length]) => length === undefined || length > (BLAS_STYLE[name] ?? 10));
    expect(tooLong).toEqual([]);
  });
});

/**
 * The exceptions, each with its reason: the GEMMs take BLAS's strided-matrix argument groups (pointer, row stride,
 * column stride for A, B; pointer and leading dimension for C; m, n, k; + the packing scratch for floats), read
 * once per call and named by position as in every BLAS.
 */
const BLAS_STYLE: Record<string, number> = { gemm: 13, gemmInt: 11 };

/** Imports the module needs (memory, abort), stubbed: the test only reads the exports' parameter counts. */
function withStubs(module: WebAssembly.Module, imports: WebAssembly.Imports): WebAssembly.Imports {
  for (const imp of WebAssembly.Module.imports(module)) {
    const ns = imports[imp.module] as Record<string, unknown>;
    if (imp.kind === 'memory') ns[imp.name] = new WebAssembly.Memory({ initial: 256, maximum: 65536 });
    else if (imp.kind === 'function') ns[imp.name] = () => {};
  }
  return imports;
}
