// Training throughput of LeNet-5, an MLP or the examples' ResNet-20 on the wasm backend (bundled by bench/train.mjs).

import { crossEntropy, Linear, lenet5, ReLU, Sequential } from '@nn/layers';
import { Adam } from '@nn/optim';
import { getBackend, randn, setBackend, type Tensor, tensor, tidy } from '@nn/tensor';
// The examples' 20-layer network (apps/examples/src/resnet): small-channel convs, batch norms and residual adds.
import { network20 } from '../../../apps/examples/src/resnet/network';
import { setWasmThreads } from '../src/index';
import { printKernelTimes, timeKernels } from './kernel-times';
import { applyThreadEnv, threadStats } from './thread-settings';

interface Options {
  model: 'lenet' | 'mlp' | 'resnet' | 'plain';
  threads: number;
  batch: number;
  seconds: number;
  backend: string;
}

function parse(): Options {
  const get = (name: string, fallback: string): string => {
    const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
    return arg ? arg.slice(name.length + 3) : fallback;
  };
  return {
    model: (['mlp', 'resnet', 'plain'].find((m) => m === get('model', 'lenet')) ?? 'lenet') as Options['model'],
    threads: Number(get('threads', '1')),
    batch: Number(get('batch', '64')),
    seconds: Number(get('seconds', '3')),
    backend: get('backend', 'wasm'),
  };
}

function build(model: Options['model']): { net: Sequential; inputShape: number[] } {
  if (model === 'mlp') {
    return { net: new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10)), inputShape: [784] };
  }
  if (model === 'resnet' || model === 'plain') {
    return { net: network20(Number(process.env.NN_RESNET_WIDTH ?? 8), model === 'resnet'), inputShape: [1, 28, 28] };
  }
  const net = lenet5();
  return { net, inputShape: [1, 28, 28] };
}

async function main(): Promise<void> {
  const options = parse();
  applyThreadEnv();
  await setBackend(options.backend);
  if (options.backend === 'wasm') setWasmThreads(options.threads);
  const { net, inputShape } = build(options.model);
  const opt = new Adam(net.parameters(), { lr: 1e-3 });
  const batches = 8;
  const xs: Tensor[] = [];
  const ys: Tensor[] = [];
  for (let i = 0; i < batches; i++) {
    xs.push(randn([options.batch, ...inputShape], { seed: i }));
    const labels = new Int32Array(options.batch);
    for (let j = 0; j < labels.length; j++) labels[j] = (i * 7 + j * 3) % 10;
    ys.push(tensor(labels, [options.batch], 'int32'));
  }
  const step = (i: number): number => {
    const x = xs[i % batches]!;
    const y = ys[i % batches]!;
    return tidy(() => opt.step(() => crossEntropy(net.forward(x), y)).item());
  };
  for (let i = 0; i < 5; i++) step(i);
  const kernelTimes = process.argv.includes('--kernels') ? timeKernels() : null;
  getBackend().kernelCoverage().resetCounts();
  let steps = 0;
  let loss = 0;
  const stepMs: number[] = [];
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let now = start; now - start < options.seconds * 1000; ) {
    loss = step(steps++);
    const end = performance.now();
    stepMs.push(end - now);
    now = end;
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  // The median step resists other processes' bursts on a shared machine better than the mean.
  const median = stepMs.sort((a, b) => a - b)[stepMs.length >> 1]!;
  const coverage = getBackend().kernelCoverage();
  if (kernelTimes) printKernelTimes(kernelTimes, steps, seconds);
  console.log(
    JSON.stringify({
      model: options.model,
      backend: options.backend,
      threads: options.threads,
      batch: options.batch,
      steps,
      msPerStep: +((seconds * 1000) / steps).toFixed(3),
      samplesPerSecond: Math.round((steps * options.batch) / seconds),
      medianMsPerStep: +median.toFixed(3),
      medianSamplesPerSecond: Math.round((options.batch * 1000) / median),
      // The slow tail (garbage collections, a descheduled thread): the mean step is the median plus this.
      p90MsPerStep: +stepMs[Math.floor(0.9 * stepMs.length)]!.toFixed(3),
      p99MsPerStep: +stepMs[Math.floor(0.99 * stepMs.length)]!.toFixed(3),
      maxMsPerStep: +stepMs[stepMs.length - 1]!.toFixed(3),
      // CPU time of the process (all threads, idle workers' polling included) per step: on one thread, a
      // figure that other processes on a busy machine move less than the wall clock.
      cpuMsPerStep: +((cpu.user + cpu.system) / 1000 / steps).toFixed(3),
      loss: +loss.toFixed(4),
      fallbackCalls: coverage.fallbackCalls,
      ...threadStats(),
    }),
  );
}

await main();
process.exit(0);
