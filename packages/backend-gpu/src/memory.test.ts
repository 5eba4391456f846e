/**
 * Host memory over long training runs in every gpu.js mode Node runs (headlessgl under Xvfb, webasm, cpu): the JS heap
 * after forced garbage collection must stay flat, not only the tensor counts. Adam's bias corrections and slice offsets
 * used to be shader literals, so every step compiled (and cached for good) new kernels: LeNet-5 grew the heap by
 * ~800 MB per 1,000 steps. Also: the kernel cache stays within its capacity without losing a live tensor's texture,
 * and memory().backend reports what the backend holds.
 * Needs `global.gc`: this package's vitest project runs with --expose-gc (vitest.config.ts).
 */
import { Conv2d, crossEntropy, Flatten, fit, Linear, MaxPool2d, ReLU, Sequential } from '@nn/layers';
import { Adam } from '@nn/optim';
import {
  getBackend,
  manualSeed,
  memory,
  randn,
  registerBackend,
  setBackend,
  type Tensor,
  tensor,
  tidy,
} from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Display, ensureDisplay } from '../test/xvfb';
import { createGpuBackend, type GpuBackend, type GpuMemoryInfo } from './backend';
import { type GpuMode, modeSupported } from './gpujs';

const requireHeadlessGl = process.env.NN_REQUIRE_HEADLESSGL === '1';
const STEPS = 300;
const BATCH = 4;
/**
 * Heap growth (MB) allowed over STEPS steps: collection noise measured here is under 0.5 MB, while a kernel compiled per
 * step (the old behaviour) grows this small model's heap by 20-60 MB.
 */
const NOISE_MB = 4;

let display: Display | null = null;
beforeAll(async () => {
  display = await ensureDisplay();
}, 30_000);
afterAll(() => display?.stop());

/** The JS heap in MB after full collections. */
function heapMB(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("memory.test.ts needs node --expose-gc (see this package's vitest.config.ts)");
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

function backendMemory(): GpuMemoryInfo | undefined {
  return memory().backend as GpuMemoryInfo | undefined;
}

/** Selects a fresh backend in `mode` (options as createGpuBackend's), or returns false where the mode cannot run. */
async function useMode(mode: GpuMode, name: string, maxCachedKernels?: number): Promise<boolean> {
  if (mode === 'headlessgl' && (display?.reason || !modeSupported(mode))) {
    const reason = `gpu/${mode}: skipped: ${display?.reason ?? 'the gl module is unavailable'}`;
    if (requireHeadlessGl) throw new Error(`${reason} (NN_REQUIRE_HEADLESSGL=1)`);
    console.warn(reason);
    return false;
  }
  if (!engine.registeredBackends().includes(name)) {
    registerBackend(name, () => createGpuBackend({ mode, maxCachedKernels }), 0);
  }
  await setBackend(name);
  return true;
}

const MODES: readonly GpuMode[] = ['headlessgl', 'webasm', 'cpu'];

describe.each(MODES)('gpu backend host memory in gpu.js %s mode', (mode) => {
  it(`keeps the heap flat over ${STEPS} Adam steps of a manual loop on sliced batches, and over two fit() runs of ${STEPS} batches`, async (context) => {
    if (!(await useMode(mode, `gpu-memory-${mode}`))) return context.skip();
    try {
      manualSeed(0);
      const model = new Sequential(
        new Conv2d(1, 2, 3, { padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(2 * 4 * 4, 3),
      );
      const optimizer = new Adam(model.parameters(), { lr: 0.01 });
      const x = randn([(STEPS + 10) * BATCH, 1, 8, 8], { seed: 1 });
      const labels = Array.from({ length: (STEPS + 10) * BATCH }, (_, k) => k % 3);
      const y = tensor(labels, undefined, 'int32');
      // Each step slices the next batch (a new offset every time) and takes an Adam step (a new bias correction).
      const manual = (from: number, to: number): void => {
        for (let step = from; step < to; step++) {
          const xb = x.slice([step * BATCH, 0, 0, 0], [BATCH, 1, 8, 8]);
          const yb = y.slice([step * BATCH], [BATCH]);
          optimizer.step(() => crossEntropy(model.forward(xb), yb)).dispose();
          xb.dispose();
          yb.dispose();
        }
      };
      // Host-written data (no kernel of a new shape), batched by fit itself.
      const fitBatches = async (batches: number): Promise<void> => {
        const data = {
          x: randn([batches * BATCH, 1, 8, 8], { seed: batches }),
          y: tensor(labels.slice(0, batches * BATCH), undefined, 'int32'),
        };
        await fit(model, data, { epochs: 1, batchSize: BATCH, optimizer, loss: crossEntropy, verbose: false });
        data.x.dispose();
        data.y.dispose();
      };

      manual(0, 10);
      await fitBatches(10);
      const warm = { heap: heapMB(), tensors: memory().numTensors, ...backendMemory() };

      manual(10, STEPS + 10);
      const afterManual = heapMB();
      const kernelsAfterManual = backendMemory()?.cachedKernels;
      await fitBatches(STEPS);
      const kernelsAfterFit = backendMemory()?.cachedKernels;
      // A second fit of the same size compiles nothing: fit's own kernels (it stacks its running totals every 128
      // batches) follow the batch count, never the step.
      await fitBatches(STEPS);
      const afterFit = heapMB();
      const final = { tensors: memory().numTensors, ...backendMemory() };
      console.log(
        `gpu/${mode}: heap after GC ${warm.heap.toFixed(2)} MB -> ${afterManual.toFixed(2)} MB after ${STEPS} manual steps ` +
          `-> ${afterFit.toFixed(2)} MB after 2 x ${STEPS} fit batches; memory().backend ${JSON.stringify(backendMemory())}`,
      );
      expect(afterManual - warm.heap, 'heap growth (MB) over the manual loop').toBeLessThan(NOISE_MB);
      expect(afterFit - afterManual, 'heap growth (MB) over fit()').toBeLessThan(NOISE_MB);
      // What the heap check measures indirectly, exactly: no kernel compiled per step, nothing left alive.
      expect(kernelsAfterManual).toBe(warm.cachedKernels);
      expect(final.cachedKernels).toBe(kernelsAfterFit);
      expect(final.tensors).toBe(warm.tensors);
      expect(final.deviceArrays).toBe(warm.deviceArrays);
      x.dispose();
      y.dispose();
    } finally {
      await setBackend('cpu');
    }
  }, 300_000);

  it('keeps at most maxCachedKernels kernels, never destroying one whose output is alive', async (context) => {
    if (!(await useMode(mode, `gpu-cache-${mode}`, 4))) return context.skip();
    try {
      // A tensor from an early kernel, alive throughout: in the GL modes its texture dies with that kernel.
      const kept = tidy(() => tensor([1, 2, 3]).mul(tensor([2, 2, 2])));
      const sums: number[] = [];
      for (let n = 4; n < 40; n++) {
        // Every length is a new shader (the shape is baked into the source).
        sums.push(
          tidy(() =>
            tensor(Array.from({ length: n }, (_, k) => k))
              .add(tensor(1))
              .sum()
              .item(),
          ),
        );
      }
      const { evictedKernels } = (getBackend().backend as GpuBackend).stats();
      expect(sums).toEqual(Array.from({ length: 36 }, (_, k) => ((k + 4) * (k + 5)) / 2));
      expect(evictedKernels).toBeGreaterThan(60);
      expect(backendMemory()?.cachedKernels).toBeLessThanOrEqual(4);
      expect(kept.toArray()).toEqual([2, 4, 6]);
      kept.dispose();
    } finally {
      await setBackend('cpu');
    }
  }, 120_000);

  it('memory().backend reports the host copies, device arrays and kernel memory it holds', async (context) => {
    if (!(await useMode(mode, `gpu-report-${mode}`))) return context.skip();
    const gl = mode === 'headlessgl';
    // 2^20 values: 1024 x 1024 texels in the GL modes, where headless-gl (WebGL1) stores an RGBA float per value.
    const n = 2 ** 20;
    const perValue = gl ? 16 : 4;
    const sample = () => {
      heapMB();
      return { ...backendMemory()!, external: process.memoryUsage().external };
    };
    try {
      // Arrays are made and read inside helpers: a temporary left in this frame would stay reachable and skew `external`.
      const start = sample();
      const x = filled(n);
      const written = sample();
      const y = x.add(x);
      const computed = sample();
      readBack(y);
      const read = sample();
      x.dispose();
      y.dispose();
      const freed = sample();

      expect(change(start, written)).toMatchObject({ hostBytes: 4 * n, deviceArrays: 0, deviceBytes: 0 });
      // x is uploaded (its host copy stays) and y computed: two device arrays, and the kernels that made them.
      expect(change(written, computed)).toMatchObject({
        hostBytes: 0,
        deviceArrays: 2,
        deviceBytes: 2 * perValue * n,
        cachedKernels: gl ? 2 : 1,
        // GL: the add kernel's output texture and the upload kernel's two; webasm: one WebAssembly memory holding
        // both arguments and the output, plus 1 MiB; cpu: nothing kept between calls.
        kernelBytes: gl ? 3 * perValue * n : mode === 'webasm' ? 4 * 3 * n + 2 ** 20 : 0,
      });
      // A readback is a new host copy in the GL modes; in webasm and cpu it is the device array itself.
      expect(change(computed, read)).toMatchObject({ hostBytes: gl ? 4 * n : 0, deviceBytes: 0 });
      expect(change(start, freed)).toMatchObject({ hostBytes: 0, deviceArrays: 0, deviceBytes: 0 });
      if (!gl) {
        // Off the GL modes everything the backend and gpu.js hold (arrays, WebAssembly memories) is outside V8's
        // heap, in `external`: the report must account for all of that memory, not only for the tensors.
        for (const [from, to] of [
          [start, written],
          [written, computed],
          [computed, read],
          [read, freed],
        ] as const) {
          const reported = change(from, to);
          const held = reported.hostBytes + reported.deviceBytes + reported.kernelBytes;
          expect(Math.abs(reported.external - held), `external ${reported.external} vs reported ${held}`).toBeLessThan(
            2 ** 16,
          );
        }
      }
    } finally {
      await setBackend('cpu');
    }
  }, 60_000);
});

function filled(n: number): Tensor {
  return tensor(new Float32Array(n).fill(0.5));
}

function readBack(t: Tensor): void {
  t.dataSync();
}

/** `to - from`, field by field. */
function change<T extends Record<string, number>>(from: T, to: T): T {
  return Object.fromEntries(Object.keys(to).map((key) => [key, to[key]! - from[key]!])) as T;
}
