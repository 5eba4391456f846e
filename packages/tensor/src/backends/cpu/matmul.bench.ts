/**
 * GFLOP/s of the CPU MatMul kernel (through the kernel contract, output allocation included) on square
 * float32 matrices. Not part of the test run; from the repository root:
 *   node_modules/.bin/esbuild --bundle --platform=node --format=esm --log-level=warning \
 *     packages/tensor/src/backends/cpu/matmul.bench.ts | node --input-type=module
 */
import { CpuBackend } from './backend';
import { cpuKernels } from './kernels';

function gflops(size: number): number {
  const backend = new CpuBackend();
  const random = () => Math.random() - 0.5;
  const shape = [size, size];
  const a = {
    dataId: backend.write(Float32Array.from({ length: size * size }, random), shape, 'float32'),
    shape,
    dtype: 'float32' as const,
  };
  const b = {
    dataId: backend.write(Float32Array.from({ length: size * size }, random), shape, 'float32'),
    shape,
    dtype: 'float32' as const,
  };
  const once = () => {
    const outputs = [{ shape, dtype: 'float32' as const }] as const;
    const out = cpuKernels.MatMul({
      inputs: { a, b },
      attrs: { transposeA: false, transposeB: false },
      outputs,
      backend,
    });
    backend.disposeData(out.dataId);
  };
  for (let i = 0; i < 3; i++) once();
  const flops = 2 * size ** 3;
  const reps = Math.max(5, Math.ceil(4e9 / flops));
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    once();
    best = Math.min(best, performance.now() - start);
  }
  return flops / (best * 1e6);
}

for (const size of [128, 256, 512, 1024])
  console.log(`matmul ${size}x${size}x${size} float32: ${gflops(size).toFixed(2)} GFLOP/s`);
