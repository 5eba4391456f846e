import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nn from '@nn/tensor';
import { getBackend, randn, setBackend, type Tensor } from '@nn/tensor';
import { engine } from '@nn/tensor/backend';
import { runConformance } from '@nn/tensor/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWasmBackend, type WasmBackend } from '../backend';
import { parallelThresholds, splitRange } from '../kernels/parallel';
import { availableCores, getWasmThreads, setWasmThreads } from './index';
import '../index';

const defaults = { ...parallelThresholds };

async function wasmWithLanes(threads: number): Promise<WasmBackend> {
  await setBackend('wasm');
  setWasmThreads(threads);
  const backend = getBackend().backend as WasmBackend;
  // Workers start asynchronously; kernels use them once ready.
  for (let waited = 0; backend.lanes() < threads; waited += 10) {
    if (waited > 10_000) throw new Error(`workers did not start: ${backend.lanes()} lanes`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return backend;
}

/** q, k, v with L = 70 queries: a block of 64 query rows and one of 6 per batch entry. */
function attentionInputs(): [Tensor, Tensor, Tensor] {
  return [randn([3, 70, 16], { seed: 1 }), randn([3, 40, 16], { seed: 2 }), randn([3, 40, 12], { seed: 3 })];
}

function values(build: () => Tensor): Float32Array {
  return nn.tidy(() => build().dataSync() as Float32Array);
}

describe('splitRange', () => {
  it('covers the range in aligned runs', () => {
    expect(splitRange(10, 3)).toEqual([
      [0, 3],
      [3, 4],
      [7, 3],
    ]);
    expect(splitRange(130, 2, 4)).toEqual([
      [0, 68],
      [68, 62],
    ]);
    expect(splitRange(3, 8)).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    expect(splitRange(0, 2)).toEqual([]);
  });
});

describe('wasm threads', () => {
  beforeAll(() => {
    // Split even tiny kernels, so the conformance cases exercise every parallel path.
    parallelThresholds.gemmMacs = 1;
    parallelThresholds.poolElements = 1;
    parallelThresholds.elements = 1;
  });
  afterAll(() => {
    Object.assign(parallelThresholds, defaults);
    setWasmThreads(1);
  });

  it('reads the number of cores once, not at every kernel', () => {
    const cores = availableCores();
    const read = vi.spyOn(process, 'getBuiltinModule');
    try {
      getWasmThreads();
      expect(availableCores()).toBe(cores);
      expect(read).not.toHaveBeenCalled();
    } finally {
      read.mockRestore();
    }
  });

  it('defaults to the number of cores and validates the setting', () => {
    expect(getWasmThreads()).toBeGreaterThanOrEqual(1);
    expect(() => setWasmThreads(0)).toThrow(/setWasmThreads/);
    expect(() => setWasmThreads(1.5)).toThrow(/setWasmThreads/);
  });

  for (const threads of [1, 2]) {
    it(`passes the conformance suite with ${threads} thread(s)`, async () => {
      const backend = await wasmWithLanes(threads);
      expect(backend.workerCount).toBe(threads - 1);
      const report = await runConformance('wasm', { tolerance: 1e-4, skip: [] });
      const failures = report.failed.map((f) => `${f.name}: ${f.message}`).join('\n');
      expect(report.failed.length, `failed cases:\n${failures}`).toBe(0);
      // With workers, some calls ran on them (not everything on the calling thread).
      if (threads > 1) expect(backend.workerCalls).toBeGreaterThan(0);
    });
  }

  it('gives bit-identical results on 2 threads and on 1', async () => {
    const cases: [string, () => Tensor, number][] = [
      ['matmul rows', () => nn.matmul(randn([130, 70], { seed: 1 }), randn([70, 50], { seed: 2 })), 0],
      ['matmul columns', () => nn.matmul(randn([20, 70], { seed: 1 }), randn([70, 300], { seed: 2 })), 0],
      ['conv2d', () => nn.conv2d(randn([5, 3, 12, 12], { seed: 1 }), randn([4, 3, 3, 3], { seed: 2 })), 0],
      [
        'conv2d input gradient',
        () =>
          nn.conv2dBackpropInput(randn([5, 4, 10, 10], { seed: 1 }), randn([4, 3, 3, 3], { seed: 2 }), {
            stride: [1, 1],
            padding: [0, 0, 0, 0],
            xShape: [5, 3, 12, 12],
          }),
        0,
      ],
      [
        'conv2d filter gradient',
        () =>
          nn.conv2dBackpropFilter(randn([5, 3, 12, 12], { seed: 1 }), randn([5, 4, 10, 10], { seed: 2 }), {
            stride: [1, 1],
            padding: [0, 0, 0, 0],
            wShape: [4, 3, 3, 3],
          }),
        0,
      ],
      [
        'conv2d groups 2 dilation 2, and its gradients',
        () => {
          const options = { stride: [2, 1], padding: [2, 1], dilation: 2, groups: 2 } as const;
          const [x, w] = [randn([5, 4, 11, 10], { seed: 1 }), randn([6, 2, 3, 3], { seed: 2 })];
          const attrs = nn.conv2dAttrs(x, w, options);
          const y = nn.conv2d(x, w, options);
          const dx = nn.conv2dBackpropInput(y, w, { ...attrs, xShape: [5, 4, 11, 10] });
          const dw = nn.conv2dBackpropFilter(x, y, { ...attrs, wShape: [6, 2, 3, 3] });
          return nn.concat([y, dx, dw].map((t) => t.reshape([-1])));
        },
        0,
      ],
      [
        'layerNorm and its input gradient, by runs of rows',
        () => {
          const [x, dy] = [randn([37, 3, 10], { seed: 1 }), randn([37, 3, 10], { seed: 2 })];
          const [weight, bias] = [randn([3, 10], { seed: 3 }), randn([3, 10], { seed: 4 })];
          const y = nn.layerNorm(x, [3, 10], { weight, bias });
          const dx = engine.runKernel('LayerNormBackward', { dy, x, weight }, { axes: 2, eps: 1e-5 });
          return nn.concat([y, dx].map((t) => t.reshape([-1])));
        },
        0,
      ],
      ['bias row broadcast, by runs of rows', () => nn.add(randn([130, 20], { seed: 1 }), randn([20], { seed: 2 })), 0],
      [
        'channel bias broadcast, matrices of rows',
        () => nn.mul(randn([7, 3, 5, 6], { seed: 1 }), randn([1, 3, 1, 1], { seed: 2 })),
        0,
      ],
      ['max pool', () => nn.maxPool2d(randn([3, 5, 9, 10], { seed: 1 }), { kernelSize: 2 }), 0],
      ['avg pool', () => nn.avgPool2d(randn([3, 5, 9, 10], { seed: 1 }), { kernelSize: 3, stride: 2, padding: 1 }), 0],
      // Split by blocks of query rows forward, by batch entries backward.
      ['attention', () => nn.scaledDotProductAttention(...attentionInputs(), { isCausal: true }), 0],
      [
        'attention gradients',
        () => {
          const [q, k, v] = attentionInputs();
          const mask = randn([3, 70, 40], { seed: 5 });
          const dy = randn([3, 70, 12], { seed: 4 });
          const grads = engine.runKernelMulti(
            'AttentionBackward',
            { dy, q, k, v, mask },
            { scale: 0.25, causal: false },
          );
          return nn.concat(grads.map((g) => g.reshape([-1])));
        },
        0,
      ],
    ];
    await wasmWithLanes(1);
    const single = cases.map(([, build]) => values(build));
    await wasmWithLanes(2);
    cases.forEach(([name, build, tolerance], i) => {
      const parallel = values(build);
      const expected = single[i]!;
      expect(parallel.length, name).toBe(expected.length);
      for (let j = 0; j < expected.length; j++) {
        const e = expected[j]!;
        if (Math.abs(parallel[j]! - e) > tolerance * (1 + Math.abs(e))) {
          expect.fail(`${name}: element ${j}: 2 threads ${parallel[j]}, 1 thread ${e}`);
        }
      }
    });
  });

  it('splits layerNorm, its gradient and broadcasts by rows over the threads', async () => {
    const backend = await wasmWithLanes(2);
    const x = randn([64, 40], { seed: 1 });
    const w = randn([40], { seed: 2 });
    const runs: [string, () => Tensor][] = [
      ['layerNorm', () => nn.layerNorm(x, 40, { weight: w })],
      [
        'layerNormBackward',
        () => engine.runKernel('LayerNormBackward', { dy: x, x, weight: w }, { axes: 1, eps: 1e-5 }),
      ],
      ['add bias', () => nn.add(x, w)],
    ];
    for (const [name, run] of runs) {
      const before = backend.pooledCalls;
      nn.tidy(() => run().dataSync());
      expect(backend.pooledCalls, name).toBeGreaterThan(before + 1);
    }
  });

  it('setWasmThreads(1) stops using the workers, and 2 again uses them at once', async () => {
    const backend = await wasmWithLanes(2);
    setWasmThreads(1);
    const before = backend.workerCalls;
    const conv = () => values(() => nn.conv2d(randn([8, 3, 12, 12], { seed: 1 }), randn([4, 3, 3, 3], { seed: 2 })));
    conv();
    expect(backend.workerCalls).toBe(before);
    setWasmThreads(2);
    expect(backend.lanes()).toBe(2);
    // A worker claims calls once it is awake; give a busy machine time to schedule it.
    const start = Date.now();
    while (backend.workerCalls === before && Date.now() - start < 5000) {
      conv();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(backend.workerCalls).toBeGreaterThan(before);
  });

  it('dispose stops the workers', async () => {
    const backend = await createWasmBackend({ initialMiB: 8 });
    setWasmThreads(3);
    expect(backend.lanes()).toBeGreaterThanOrEqual(1);
    expect(backend.workerCount).toBe(2);
    backend.dispose();
    expect(backend.workerCount).toBe(0);
    await backend.workersStopped;
  });

  it('runs single-threaded over unshared memory whatever the setting', async () => {
    const backend = await createWasmBackend({ initialMiB: 8, unshared: true });
    setWasmThreads(4);
    expect(backend.lanes()).toBe(1);
    expect(backend.workerCount).toBe(0);
    backend.dispose();
  });
});

describe('worker threads do not keep Node alive', () => {
  it('a script that trains on 2 threads exits by itself, without dispose', async () => {
    const { build } = await import('esbuild');
    const dir = mkdtempSync(join(tmpdir(), 'nn-wasm-threads-'));
    try {
      const here = fileURLToPath(new URL('.', import.meta.url));
      const entry = join(dir, 'entry.ts');
      writeFileSync(
        entry,
        [
          `import { conv2d, getBackend, matmul, randn, setBackend } from '@nn/tensor';`,
          `import { setWasmThreads } from ${JSON.stringify(join(here, '..', 'index.ts'))};`,
          `await setBackend('wasm');`,
          'setWasmThreads(2);',
          'const backend = getBackend().backend as unknown as { lanes(): number };',
          'while (backend.lanes() < 2) await new Promise((r) => setTimeout(r, 5));',
          'matmul(randn([256, 256]), randn([256, 256])).dataSync();',
          'conv2d(randn([8, 3, 16, 16]), randn([4, 3, 3, 3])).dataSync();',
          `console.log('lanes', backend.lanes());`,
        ].join('\n'),
      );
      const outfile = join(dir, 'entry.mjs');
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile,
        logLevel: 'error',
        alias: {
          '@nn/tensor': join(here, '..', '..', '..', 'tensor', 'src', 'index.ts'),
          '@nn/tensor/backend': join(here, '..', '..', '..', 'tensor', 'src', 'backend', 'index.ts'),
        },
      });
      const result = spawnSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 30_000 });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe('lanes 2');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
