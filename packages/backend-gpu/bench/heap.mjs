// Host memory of LeNet-5 training (Adam, batch 8) on the gpu backend: the JS heap after forced GC and the RSS, after
// a warm-up and after `steps` more steps, per gpu.js mode, each mode in its own process; growth is printed per 1,000
// steps. `--fit` trains through fit() instead of a manual loop.
// Usage: pnpm --filter @nn/backend-gpu run build && xvfb-run -a node bench/heap.mjs [steps=1000] [modes...] [--fit]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const useFit = args.includes('--fit');
const numbers = args.filter((a) => /^\d+$/.test(a)).map(Number);
const steps = numbers[0] ?? 1000;
const WARMUP = 20;
const BATCH = 8;

if (process.env.NN_HEAP_CHILD) {
  await measure(process.env.NN_HEAP_CHILD);
} else {
  const { modeSupported } = await import('../dist/index.js');
  const asked = args.filter((a) => /^[a-z]+$/.test(a));
  const modes = asked.length > 0 ? asked : ['headlessgl', 'webasm', 'cpu'].filter((m) => modeSupported(m));
  const rows = [];
  for (const mode of modes) {
    const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...args], {
      env: { ...process.env, NN_HEAP_CHILD: mode },
      encoding: 'utf8',
    });
    if (child.status !== 0) {
      console.error(`${mode}: failed\n${child.stderr}`);
      continue;
    }
    rows.push(JSON.parse(child.stdout.trim().split('\n').pop()));
  }
  console.log(
    `LeNet-5, Adam, batch ${BATCH}, ${useFit ? 'fit()' : 'manual loop'}: ${steps} steps after ${WARMUP} warm-up steps`,
  );
  console.table(rows);
}

async function measure(mode) {
  const { createGpuBackend } = await import('../dist/index.js');
  const { registerBackend, setBackend, memory, randn, tensor, manualSeed } = await import('@nn/tensor');
  const { crossEntropy, fit, lenet5 } = await import('@nn/layers');
  const { Adam } = await import('@nn/optim');
  registerBackend('gpu-heap', () => createGpuBackend({ mode }), 0);
  await setBackend('gpu-heap');
  manualSeed(0);
  const model = lenet5();
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const mb = (bytes) => bytes / 2 ** 20;
  const sample = () => {
    globalThis.gc();
    globalThis.gc();
    const usage = process.memoryUsage();
    return { heap: mb(usage.heapUsed), rss: mb(usage.rss) };
  };
  // All the data exists before the first sample, so its uploads (and the kernels sized to it) are not counted as growth.
  const x = randn([(WARMUP + steps) * BATCH, 1, 28, 28], { seed: 1 });
  const labels = Array.from({ length: (WARMUP + steps) * BATCH }, (_, k) => k % 10);
  const y = tensor(labels, undefined, 'int32');
  const fitData = (from, count) => ({
    x: tensor(x.dataSync().subarray(from * BATCH * 784, (from + count) * BATCH * 784), [count * BATCH, 1, 28, 28]),
    y: tensor(labels.slice(from * BATCH, (from + count) * BATCH), undefined, 'int32'),
  });
  const warmData = useFit ? fitData(0, WARMUP) : null;
  const data = useFit ? fitData(WARMUP, steps) : null;
  const train = async (from, count, fitSet) => {
    if (useFit) {
      await fit(model, fitSet, { epochs: 1, batchSize: BATCH, optimizer, loss: crossEntropy, verbose: false });
      return;
    }
    for (let s = from; s < from + count; s++) {
      const xb = x.slice([s * BATCH, 0, 0, 0], [BATCH, 1, 28, 28]);
      const yb = y.slice([s * BATCH], [BATCH]);
      optimizer.step(() => crossEntropy(model.forward(xb), yb)).dispose();
      xb.dispose();
      yb.dispose();
    }
  };
  await train(0, WARMUP, warmData);
  const before = sample();
  const started = performance.now();
  await train(WARMUP, steps, data);
  const seconds = (performance.now() - started) / 1000;
  const after = sample();
  const per1k = 1000 / steps;
  const info = memory();
  console.log(
    JSON.stringify({
      mode,
      steps,
      's/step': Number((seconds / steps).toFixed(4)),
      'heap MB': `${before.heap.toFixed(1)} -> ${after.heap.toFixed(1)}`,
      'heap MB/1k steps': Number(((after.heap - before.heap) * per1k).toFixed(2)),
      'rss MB': `${before.rss.toFixed(0)} -> ${after.rss.toFixed(0)}`,
      'rss MB/1k steps': Number(((after.rss - before.rss) * per1k).toFixed(1)),
      tensors: info.numTensors,
      memory: JSON.stringify(info.backend ?? {}),
    }),
  );
}
