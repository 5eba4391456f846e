/**
 * Per-op engine overhead: many `add`s of tiny tensors inside `tidy` on the CPU backend, so the kernel
 * itself is negligible and what is measured is dispatch, wrapping, scope and memory bookkeeping.
 * Not part of the test run; from the repository root:
 *   node_modules/.bin/esbuild --bundle --platform=node --format=esm --log-level=warning \
 *     packages/tensor/src/overhead.bench.ts | node --input-type=module
 */
import { add, memory, setBackend, tensor, tidy } from './index';

const OPS = 200_000;
const PER_TIDY = 10;

/** µs per op of wall-clock time, and of this process's CPU time (steadier on a shared machine). */
function run(): { wall: number; cpu: number } {
  const a = tensor([1, 2, 3, 4]);
  const b = tensor([5, 6, 7, 8]);
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < OPS / PER_TIDY; i++) {
    tidy(() => {
      let x = a;
      for (let j = 0; j < PER_TIDY; j++) x = add(x, b);
      return undefined;
    });
  }
  const elapsed = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  a.dispose();
  b.dispose();
  return { wall: (elapsed * 1000) / OPS, cpu: (cpu.user + cpu.system) / OPS };
}

await setBackend('cpu');
run(); // warm-up: JIT and the first GC
const runs = Array.from({ length: 5 }, run);
const wall = runs.map((r) => r.wall).sort((x, y) => x - y);
const cpu = runs.map((r) => r.cpu).sort((x, y) => x - y);
const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)]!.toFixed(3);
console.log(
  `add of [4] float32 inside tidy, ${OPS} ops x ${runs.length} runs: median ${median(wall)} µs/op wall ` +
    `(min ${wall[0]!.toFixed(3)}), ${median(cpu)} µs/op cpu (min ${cpu[0]!.toFixed(3)}); ` +
    `memory after: ${JSON.stringify(memory())}`,
);
