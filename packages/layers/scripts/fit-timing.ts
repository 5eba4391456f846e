/**
 * Times `fit` on an MLP with random data (no timed assertions anywhere; this only prints).
 * Run from the repo root, against the sources:
 *   node_modules/.bin/tsx --tsconfig packages/layers/scripts/tsconfig.json packages/layers/scripts/fit-timing.ts [backend]
 * LAYERS_SRC=<path to another copy of packages/layers/src/index.ts> times that copy instead (before/after).
 */
import { Adam } from '@nn/optim';
import { getBackend, manualSeed, memory, rand, randn, setBackend, Tensor, tensor } from '@nn/tensor';

const layers: typeof import('../src/index') = await import(process.env.LAYERS_SRC ?? '../src/index');
const { fit, Linear, ReLU, Sequential } = layers;

// 'cpu', 'wasm', or 'gpu' (gpu.js headless-gl: run under xvfb-run; NN_GPU_MODE picks another mode).
const backend = process.argv[2] ?? 'cpu';
if (backend === 'wasm') await import('@nn/backend-wasm');
if (backend === 'gpu') await import('@nn/backend-gpu');
await setBackend(backend);

const samples = Number(process.env.SAMPLES ?? 4096);
const repeats = Number(process.env.REPEATS ?? 5);
const x = randn([samples, 784], { seed: 1 });
const labels = Array.from(rand([samples], { seed: 2 }).dataSync(), (v) => Math.min(9, Math.floor(v * 10)));
const y = tensor(labels, [samples], 'int32');

async function run(batchSize: number, epochs: number): Promise<{ seconds: number; loss: number[] }> {
  manualSeed(0); // the same initial weights before and after: the losses must agree to float32 rounding
  const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const started = performance.now();
  const history = await fit(
    model,
    { x, y },
    {
      epochs,
      batchSize,
      optimizer,
      loss: 'crossEntropy',
      metrics: ['accuracy'],
      verbose: false,
      seed: 0,
    },
  );
  return { seconds: (performance.now() - started) / 1e3, loss: history.loss };
}

// Synchronous reads during fit: of float tensors (losses, metrics: device results) and of int32 ones (the class
// labels, host-made, checked by crossEntropy/oneHot; TensorDataset's one-time copy of x and y adds 1 + 1).
let floatReads = 0;
let intReads = 0;
for (const name of ['dataSync', 'item', 'toArray'] as const) {
  const original = Tensor.prototype[name] as (this: Tensor) => unknown;
  (Tensor.prototype as unknown as Record<string, unknown>)[name] = function (this: Tensor) {
    if (this.dtype === 'int32') intReads++;
    else floatReads++;
    return original.call(this);
  };
}

console.log(`backend ${getBackend().name}, ${samples} samples of 784 features, MLP 784-128-10, Adam, accuracy metric`);
await run(64, 1); // warm-up (JIT, kernel caches)
for (const batchSize of (process.env.BATCH_SIZES ?? '16,64,256').split(',').map(Number)) {
  const times: number[] = [];
  let loss: number[] = [];
  floatReads = 0;
  intReads = 0;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const result = await run(batchSize, 2);
    times.push(result.seconds);
    loss = result.loss;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(repeats / 2)]!;
  const batches = 2 * Math.ceil(samples / batchSize);
  console.log(
    `batchSize ${String(batchSize).padStart(3)}: ${batches} batches, median ${median.toFixed(3)}s ` +
      `(min ${times[0]!.toFixed(3)}s, max ${times.at(-1)!.toFixed(3)}s), ` +
      `${((median / batches) * 1e3).toFixed(2)} ms/batch; sync reads per fit: ${floatReads / repeats} float, ` +
      `${intReads / repeats} int32; ` +
      `loss ${loss.map((v) => v.toFixed(6)).join(' ')}`,
  );
}
console.log(`live tensors at the end: ${memory().numTensors}`);
