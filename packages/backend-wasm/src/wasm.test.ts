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
});
