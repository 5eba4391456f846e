/**
 * Choosing the kernel build: relaxed SIMD where the engine validates it, SIMD128 otherwise, and the `simd`
 * option forcing either. Node 20 has relaxed SIMD only behind --experimental-wasm-relaxed-simd, so this process
 * (no flag) sees the fallback, and a child node with the flag runs the conformance suite on the relaxed build.
 * Chromium (relaxed on by default) is covered by browser.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateError, ValueError } from '@nn/tensor';
import { conformanceCases } from '@nn/tensor/testing';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { nnSources } from '../../../tooling/browser/harness.mjs';
import { createWasmBackend } from './backend';
import { relaxedSimdSupported, type SimdMode } from './module';

const buildDir = fileURLToPath(new URL('../build/', import.meta.url));

describe('kernel build selection', () => {
  it('detects relaxed SIMD exactly when the engine validates the relaxed build', () => {
    const relaxed = readFileSync(join(buildDir, 'kernels-relaxed.wasm'));
    expect(relaxedSimdSupported()).toBe(WebAssembly.validate(relaxed));
    expect(WebAssembly.validate(readFileSync(join(buildDir, 'kernels.wasm')))).toBe(true);
    // The two builds differ: the relaxed one holds f32x4.relaxed_madd (0xfd 0x85 0x02), the other none.
    const madds = (bytes: Uint8Array) =>
      bytes.filter((b, i) => b === 0xfd && bytes[i + 1] === 0x85 && bytes[i + 2] === 0x02).length;
    expect(madds(relaxed)).toBeGreaterThan(0);
    expect(madds(readFileSync(join(buildDir, 'kernels.wasm')))).toBe(0);
  });

  it('falls back to SIMD128 without relaxed SIMD, forces either build, and rejects unknown modes', async () => {
    const auto = await createWasmBackend({ initialMiB: 1 });
    expect(auto.simd).toBe(relaxedSimdSupported() ? 'relaxed' : 'simd128');
    expect((await createWasmBackend({ initialMiB: 1, simd: 'simd128' })).simd).toBe('simd128');
    if (relaxedSimdSupported()) {
      expect((await createWasmBackend({ initialMiB: 1, simd: 'relaxed' })).simd).toBe('relaxed');
    } else {
      await expect(createWasmBackend({ simd: 'relaxed' })).rejects.toThrow(StateError);
    }
    await expect(createWasmBackend({ simd: 'fma' as SimdMode })).rejects.toThrow(ValueError);
  });

  it('passes the conformance suite on the relaxed build (node --experimental-wasm-relaxed-simd)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-wasm-relaxed-'));
    try {
      const bundle = join(dir, 'entry.mjs');
      const result = await build({
        entryPoints: [fileURLToPath(new URL('../test/relaxed/entry.ts', import.meta.url))],
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        logLevel: 'silent',
        plugins: [nnSources({ node: true })],
      });
      writeFileSync(bundle, result.outputFiles[0]!.text);
      const child = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', bundle], { encoding: 'utf8' });
      expect(child.status, child.stderr).toBe(0);
      const report = JSON.parse(child.stdout.trim().split('\n').at(-1)!);
      expect(report.supported).toBe(true);
      expect(report.auto).toBe('relaxed');
      expect(report.simd).toBe('relaxed');
      expect(report.failed).toEqual([]);
      const float64Cases = conformanceCases.filter((c) => c.dtypes?.includes('float64')).map((c) => c.name);
      expect(report.skipped.sort()).toEqual(float64Cases.sort());
      expect(report.passed).toBe(conformanceCases.length - float64Cases.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
