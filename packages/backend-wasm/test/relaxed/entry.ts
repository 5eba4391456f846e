// Run by src/simd.test.ts in a child `node --experimental-wasm-relaxed-simd` (Node 20 keeps relaxed SIMD behind
// that flag): the conformance suite on the relaxed-SIMD build, forced, plus what `auto` picks there. Prints JSON.
import { registerBackend } from '@nn/tensor';
import { runConformance } from '@nn/tensor/testing';
import { createWasmBackend } from '../../src/backend';
import { relaxedSimdSupported } from '../../src/module';

const auto = await createWasmBackend({ initialMiB: 1 });
let simd = '';
registerBackend('wasm', async () => {
  const backend = await createWasmBackend({ simd: 'relaxed' });
  simd = backend.simd;
  return backend;
});
const report = await runConformance('wasm', { tolerance: 1e-4 });
console.log(
  JSON.stringify({
    supported: relaxedSimdSupported(),
    auto: auto.simd,
    simd,
    passed: report.passed.length,
    skipped: report.skipped,
    failed: report.failed.map((f) => `${f.name}: ${f.message}`),
  }),
);
process.exit(0);
