// Training tokens/s of apps/examples' char-GPT (4 layers, 4 heads, 128 dims, block 64, batch 12) through the
// example's own training step (configureOptimizers: gradients, clip, AdamW), on tinyshakespeare batches
// (bundled by bench/gpt.mjs).
import { fileURLToPath } from 'node:url';
import { Generator, manualSeed, setBackend, tensor } from '@nn/tensor';
import { charGpt, gptFor } from '../../../apps/examples/src/char-gpt/char-gpt';
import { batchIds, loadShakespeare } from '../../../apps/examples/src/char-gpt/data';
import { configureOptimizers } from '../../../apps/examples/src/char-gpt/model';
import { setWasmThreads } from '../src/index';
import { printKernelTimes, timeKernels } from './kernel-times';
import { applyThreadEnv, threadStats } from './thread-settings';

function get(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

async function main(): Promise<void> {
  const threads = Number(get('threads', '2'));
  const steps = Number(get('steps', '30'));
  const backend = get('backend', 'wasm');
  applyThreadEnv();
  await setBackend(backend);
  if (backend === 'wasm') setWasmThreads(threads);
  const config = charGpt.full;
  // The bundle runs from bench/out/.
  const corpus = fileURLToPath(new URL('../../../../apps/examples/data/tinyshakespeare.txt', import.meta.url));
  const data = loadShakespeare(get('data', corpus));
  manualSeed(0);
  const model = gptFor(config, data.chars.length);
  const optimizer = configureOptimizers(model, {
    lr: 1e-3,
    weightDecay: config.weightDecay,
    betas: [0.9, config.beta2],
    gradClip: config.gradClip,
  });
  const generator = new Generator(1337);
  const { batchSize: b, blockSize: t } = config;
  const step = (): number => {
    const { x, y } = batchIds(data.train, b, t, generator);
    const xs = tensor(x, [b, t], 'int32');
    const ys = tensor(y, [b, t], 'int32');
    const loss = optimizer.step(() => model.loss(xs, ys));
    const value = loss.dataSync()[0]!;
    loss.dispose();
    xs.dispose();
    ys.dispose();
    return value;
  };
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) losses.push(step());
  const kernelTimes = process.argv.includes('--kernels') ? timeKernels() : null;
  const stepMs: number[] = [];
  const start = performance.now();
  for (let i = 0; i < steps; i++) {
    const s = performance.now();
    losses.push(step());
    stepMs.push(performance.now() - s);
  }
  const seconds = (performance.now() - start) / 1000;
  if (kernelTimes) printKernelTimes(kernelTimes, steps, seconds, Number(get('top', '50')));
  const median = stepMs.sort((a, c) => a - c)[stepMs.length >> 1]!;
  console.log(
    JSON.stringify({
      backend,
      threads,
      steps,
      msPerStep: +((seconds * 1000) / steps).toFixed(2),
      tokensPerSecond: Math.round((steps * b * t) / seconds),
      medianTokensPerSecond: Math.round((b * t * 1000) / median),
      ...threadStats(),
      losses: [losses[0], losses[1], losses[2], losses[losses.length - 1]].map((l) => +l!.toFixed(5)),
    }),
  );
}

await main();
process.exit(0);
