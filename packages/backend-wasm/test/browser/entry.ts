// The browser bundle: the wasm backend (with its worker pool) and the conformance suite, driven from the page by
// the Node test (src/browser.test.ts) through run.mjs. One function runs every check and reports what it saw;
// the Node side decides what the report must say for an isolated page and for a plain one.
import {
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  getBackend,
  matmul,
  randn,
  setBackend,
  type Tensor,
  tidy,
} from '@nn/tensor';
import { runConformance } from '@nn/tensor/testing';
import type { WasmBackend } from '../../src/backend';
import { getWasmThreads, setWasmThreads } from '../../src/index';
import { parallelThresholds } from '../../src/kernels/parallel';

/** What one page saw (see src/browser.test.ts for what each field must be). */
export interface WasmPageReport {
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  /** The backend's memory is a SharedArrayBuffer. */
  sharedMemory: boolean;
  /** The kernel build the backend picked ('relaxed' where the engine supports relaxed SIMD). */
  simd: string;
  /** getWasmThreads() after setWasmThreads(2). */
  threadsSetting: number;
  /** backend.lanes() (1 + ready workers) once the workers had their chance to start, and workers started. */
  lanes: number;
  workerCount: number;
  /** How long the page waited for the workers (informative only: no assertion on time). */
  waitedMs: number;
  conformance: { passed: number; failed: string[]; skippedNames: string[]; seconds: number };
  /** Split-kernel calls run through the pool, and how many of them the workers ran, after the conformance run. */
  pooledCalls: number;
  workerCalls: number;
  /** Per case: elements whose bits differ between 1 and 2 threads (the first few, as "index: 2T vs 1T"). */
  identical: { name: string; length: number; differing: string[] }[];
  /** pooledCalls and workerCalls when the page finished (after the 1-vs-2-thread comparison too). */
  finalPooledCalls: number;
  finalWorkerCalls: number;
  /**
   * Extra conv2d runs it took for a worker to claim a call, when none had by then (0 normally): on a loaded
   * machine a worker can stay descheduled through every short kernel, while the page's thread claims them all.
   */
  extraRunsForWorkers: number;
  error?: string;
}

declare global {
  interface Window {
    runWasmChecks(): Promise<WasmPageReport>;
  }
}

const WORKER_DEADLINE_MS = 30_000;

/** A 3x3 convolution of 5 images, 3 -> 4 channels, 12x12 -> 10x10 (seeded inputs: the same on every run). */
const image = () => randn([5, 3, 12, 12], { seed: 1 });
const filter = () => randn([4, 3, 3, 3], { seed: 2 });
const outputGradient = () => randn([5, 4, 10, 10], { seed: 3 });
const unpadded = { stride: [1, 1] as [number, number], padding: [0, 0, 0, 0] as [number, number, number, number] };

/** Small conv/matmul results compared bit for bit between 1 and 2 threads: GEMMs cut by rows and by columns. */
const IDENTITY_CASES: [string, () => Tensor][] = [
  ['matmul rows', () => matmul(randn([130, 70], { seed: 4 }), randn([70, 50], { seed: 5 }))],
  ['matmul columns', () => matmul(randn([20, 70], { seed: 4 }), randn([70, 300], { seed: 5 }))],
  ['conv2d', () => conv2d(image(), filter())],
  [
    'conv2d input gradient',
    () => conv2dBackpropInput(outputGradient(), filter(), { ...unpadded, xShape: [5, 3, 12, 12] }),
  ],
  [
    'conv2d filter gradient',
    () => conv2dBackpropFilter(image(), outputGradient(), { ...unpadded, wShape: [4, 3, 3, 3] }),
  ],
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The bits of a float32 result (so -0, NaN payloads and the last ulp all count). */
function bits(build: () => Tensor): Uint32Array {
  return tidy(() => new Uint32Array(new Float32Array(build().dataSync()).buffer));
}

async function check(report: WasmPageReport): Promise<void> {
  await setBackend('wasm');
  const backend = getBackend().backend as WasmBackend;
  report.sharedMemory = backend.shared;
  report.simd = backend.simd;
  // Split even tiny kernels, so the conformance cases reach the pool's parallel paths (elementwise runs stay
  // 16-aligned: most cases' tensors are too small to cut, and ~20 kernels of the suite do go through the pool).
  parallelThresholds.gemmMacs = 1;
  parallelThresholds.poolElements = 1;
  parallelThresholds.elements = 1;
  setWasmThreads(2);
  report.threadsSetting = getWasmThreads();
  // A worker cannot start while the page's thread is busy: give it the event loop until it reports ready.
  const started = performance.now();
  while (backend.lanes() < report.threadsSetting && performance.now() - started < WORKER_DEADLINE_MS) await sleep(10);
  report.waitedMs = Math.round(performance.now() - started);
  report.lanes = backend.lanes();
  report.workerCount = backend.workerCount;

  const began = performance.now();
  const conformance = await runConformance('wasm', { tolerance: 1e-4, skip: [] });
  report.conformance = {
    passed: conformance.passed.length,
    failed: conformance.failed.map((f) => `${f.name}: ${f.message}`),
    skippedNames: conformance.skipped,
    seconds: (performance.now() - began) / 1000,
  };
  report.pooledCalls = backend.pooledCalls;
  report.workerCalls = backend.workerCalls;

  setWasmThreads(1);
  const single = IDENTITY_CASES.map(([, build]) => bits(build));
  // The pool stays up across setWasmThreads(1), so 2 threads are back at once.
  setWasmThreads(2);
  report.identical = IDENTITY_CASES.map(([name, build], i) => {
    const parallel = bits(build);
    const expected = single[i]!;
    const differing: string[] = [];
    for (let j = 0; j < expected.length && differing.length < 5; j++) {
      if (parallel[j] !== expected[j]) differing.push(`${j}: ${parallel[j]} vs ${expected[j]}`);
    }
    if (parallel.length !== expected.length) differing.push(`length ${parallel.length} vs ${expected.length}`);
    return { name, length: expected.length, differing };
  });
  // Should no worker have claimed a call yet (see extraRunsForWorkers), give it bigger kernels until one does.
  const retried = performance.now();
  while (report.lanes > 1 && backend.workerCalls === 0 && performance.now() - retried < WORKER_DEADLINE_MS) {
    tidy(() => conv2d(randn([16, 8, 24, 24], { seed: 6 }), randn([8, 8, 3, 3], { seed: 7 })).dataSync());
    report.extraRunsForWorkers++;
    await sleep(1);
  }
  report.finalPooledCalls = backend.pooledCalls;
  report.finalWorkerCalls = backend.workerCalls;
}

window.runWasmChecks = async () => {
  const report: WasmPageReport = {
    crossOriginIsolated: globalThis.crossOriginIsolated,
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    sharedMemory: false,
    simd: '',
    threadsSetting: 0,
    lanes: 0,
    workerCount: 0,
    waitedMs: 0,
    conformance: { passed: 0, failed: [], skippedNames: [], seconds: 0 },
    pooledCalls: 0,
    workerCalls: 0,
    identical: [],
    finalPooledCalls: 0,
    finalWorkerCalls: 0,
    extraRunsForWorkers: 0,
  };
  try {
    await check(report);
  } catch (error) {
    report.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return report;
};
