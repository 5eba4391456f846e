/**
 * Character-level GPT training (tokens/s): the model of apps/examples' char-gpt (nanoGPT's CPU "baby GPT": 4
 * layers, 4 heads, 128 dims, block 64, batch 12; imported, not copied) with its optimizer (AdamW lr 1e-3, betas
 * 0.9/0.99, weight decay 0.1 on the matrices, gradient norm clipped to 1), on the same tinyshakespeare batches
 * and from the same initial weights in every library: @nn through the example's own training step, PyTorch
 * through the same model written in torch (torch/worker.py), TensorFlow.js as the same graph of its ops
 * (peers/tfjs-gpt.ts). The first batch's loss, before any update, must
 * agree. Timed once per cell, after a probe on a throwaway copy that also warms the library up for WARMUP_SECONDS (as
 * the training rows do); a library too slow for the budget trains fewer iterations and its cell says so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad } from '@nn/autograd';
import { Generator, manualSeed, type Tensor, tensor, tidy } from '@nn/tensor';
import { type CharGptConfig, charGpt, gptFor } from '../../../examples/src/char-gpt/char-gpt';
import { batchIds, loadShakespeare } from '../../../examples/src/char-gpt/data';
import { configureOptimizers } from '../../../examples/src/char-gpt/model';
import type { BenchContext } from '../context';
import type { CellFactory, PreparedCell, SkippedCell, Workload } from '../harness';
import { type NnBackend, nnFallbackProbe, prepareNn, useNn } from '../peers/nn';
import { tf } from '../peers/tfjs';
import { tfGptMissingKernels, tfGptTrainer } from '../peers/tfjs-gpt';
import type { TorchPeer } from '../peers/torch';
import { WARMUP_SECONDS } from './training';

/** The example's full model and batch; quick: a tiny one of the same shape (CI checks that it runs and agrees). */
export function gptConfig(quick: boolean): CharGptConfig {
  return quick ? { ...charGpt.quick, nEmbd: 16, blockSize: 8, batchSize: 2 } : charGpt.full;
}

/** Iterations per timed run (full: a few hundred, as the issue asks). */
export function gptIterations(quick: boolean): number {
  return quick ? 2 : 200;
}

const LR = 1e-3;

/** The example's optimizer settings at a constant learning rate (no schedule: every iteration costs the same). */
function optimizerOf(config: CharGptConfig) {
  const { weightDecay, beta2, gradClip } = config;
  return { lr: LR, weightDecay, betas: [0.9, beta2] as [number, number], gradClip };
}

/** Everything a cell needs: the configuration, vocabulary size, initial weights by name, and the batches. */
export interface GptJob {
  config: CharGptConfig;
  vocabSize: number;
  weights: { name: string; shape: number[]; values: Float32Array }[];
  /** Per iteration: x then y, each [batch, block] ids, flat. */
  batches: Int32Array;
  iterations: number;
}

/** The shared job: weights drawn once by the example's model (seeded), batches drawn by nanoGPT's get_batch. */
export function gptJob(quick: boolean): GptJob {
  const config = gptConfig(quick);
  const data = loadShakespeare();
  manualSeed(0);
  const model = gptFor(config, data.chars.length);
  const weights = model.namedParameters().map(([name, p]) => ({
    name,
    shape: [...p.shape],
    values: Float32Array.from(p.dataSync()),
  }));
  for (const p of model.parameters()) p.dispose();
  const iterations = gptIterations(quick);
  const size = config.batchSize * config.blockSize;
  // One extra batch: the probe's first loss is measured on batch 0, the warm-up steps use batches 0 and 1.
  const batches = new Int32Array((iterations + 1) * 2 * size);
  const generator = new Generator(1337);
  for (let i = 0; i <= iterations; i++) {
    const { x, y } = batchIds(data.train, config.batchSize, config.blockSize, generator);
    batches.set(x, 2 * i * size);
    batches.set(y, (2 * i + 1) * size);
  }
  return { config, vocabSize: data.chars.length, weights, batches, iterations };
}

/** One library's GPT: the loss of a batch without training, and training steps over batches [first, first+count). */
interface GptTrainer {
  loss(index: number): Promise<number>;
  train(first: number, count: number): Promise<number>;
  dispose(): void;
}

function nnTrainer(backend: NnBackend, job: GptJob): GptTrainer {
  const { config } = job;
  const model = gptFor(config, job.vocabSize);
  const state = Object.fromEntries(job.weights.map((w) => [w.name, tensor(w.values, w.shape)]));
  model.loadStateDict(state);
  for (const t of Object.values(state)) t.dispose();
  const optimizer = configureOptimizers(model, optimizerOf(config));
  const size = config.batchSize * config.blockSize;
  const batch = (index: number) => {
    const ids = (part: number) => job.batches.subarray((2 * index + part) * size, (2 * index + part + 1) * size);
    return [
      tensor(ids(0), [config.batchSize, config.blockSize], 'int32'),
      tensor(ids(1), [config.batchSize, config.blockSize], 'int32'),
    ] as const;
  };
  const read = async (t: Tensor) => {
    const value = (await t.data())[0]!;
    t.dispose();
    return value;
  };
  return {
    loss: async (index) => {
      await useNn(backend);
      const [x, y] = batch(index);
      const value = await read(tidy(() => noGrad(() => model.loss(x, y))));
      x.dispose();
      y.dispose();
      return value;
    },
    train: async (first, count) => {
      await useNn(backend);
      let last = Number.NaN;
      for (let i = first; i < first + count; i++) {
        const [x, y] = batch(i);
        last = await read(optimizer.step(() => model.loss(x, y)));
        x.dispose();
        y.dispose();
      }
      return last;
    },
    dispose: () => {
      for (const p of model.parameters()) p.dispose();
    },
  };
}

async function torchTrainer(peer: TorchPeer, job: GptJob): Promise<GptTrainer> {
  const dir = mkdtempSync(join(tmpdir(), 'nn-bench-gpt-'));
  const weights: Record<string, [string, number[]]> = {};
  job.weights.forEach((w, i) => {
    const path = join(dir, `${i}.f32`);
    writeFileSync(path, w.values);
    weights[w.name] = [path, w.shape];
  });
  writeFileSync(join(dir, 'batches.i32'), job.batches);
  const { nLayer, nHead, nEmbd, blockSize, batchSize } = job.config;
  await peer.worker.request('gpt_create', {
    config: { nLayer, nHead, nEmbd, blockSize, batchSize, vocabSize: job.vocabSize },
    optimizer: optimizerOf(job.config),
    weights,
    batches: join(dir, 'batches.i32'),
    count: job.iterations + 1,
  });
  return {
    loss: async (index) => Number((await peer.worker.request('gpt_loss', { index })).loss),
    train: async (first, count) => Number((await peer.worker.request('gpt_train', { first, count })).loss),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const seconds = () => performance.now() / 1e3;

/**
 * A cell is timed only if its probe suggests at least this many iterations fit in the training budget; a slower
 * one (gpu.js emulated on wasm, TensorFlow.js's cpu backend: ~1 minute per step at the full size) is skipped after one
 * forward pass, with the measured time in its reason, instead of spending many minutes on a partial run. Full runs
 * only.
 */
const MIN_ITERATIONS = 10;
/** A training step costs about three forward passes (the backward pass about two). */
const FORWARDS_PER_STEP = 3;

async function gptCell(
  make: () => Promise<GptTrainer>,
  job: GptJob,
  ctx: BenchContext,
  prepare?: () => Promise<void>,
  fallback?: ReturnType<typeof nnFallbackProbe>,
): Promise<PreparedCell | SkippedCell> {
  await prepare?.();
  // Probe on a throwaway copy: the first loss (agreement), warm-up, and the time per step for the budget.
  const probe = await make();
  let initialLoss: number;
  let perStep: number;
  try {
    const forwardStart = seconds();
    initialLoss = await probe.loss(0);
    const forward = seconds() - forwardStart;
    // Never in a quick run, which checks that every cell runs (its model is tiny; a cold first pass is not).
    if (!ctx.quick && forward * FORWARDS_PER_STEP > ctx.trainBudgetSeconds / MIN_ITERATIONS) {
      return {
        skipped:
          `too slow for this row: the first batch's forward pass took ${forward.toFixed(2)} s, so fewer than ` +
          `${MIN_ITERATIONS} training steps (~${FORWARDS_PER_STEP} forward passes each) would fit the ` +
          `${ctx.trainBudgetSeconds} s budget`,
      };
    }
    await probe.train(0, 1);
    const start = seconds();
    await probe.train(1, 1);
    perStep = seconds() - start;
    // Then trains on (batches 0 and 1) until the JIT has settled, as the training rows do (full runs only).
    const warmUntil = seconds() + (ctx.quick ? 0 : Math.min(WARMUP_SECONDS, ctx.trainBudgetSeconds / 4));
    while (seconds() + 2 * perStep < warmUntil) await probe.train(0, 2);
  } finally {
    probe.dispose();
  }
  const steps = Math.max(1, Math.min(job.iterations, Math.floor(ctx.trainBudgetSeconds / perStep)));
  const trainer = await make();
  let lastLoss = Number.NaN;
  let fallbacks: string | undefined;
  const tokens = job.config.batchSize * job.config.blockSize;
  const cell: PreparedCell = {
    ...(prepare ? { beforeRun: prepare } : {}),
    run: async () => {
      fallback?.reset();
      lastLoss = await trainer.train(0, steps);
      fallbacks = fallback?.read();
      if (!Number.isFinite(lastLoss)) throw new Error(`training diverged: last loss ${lastLoss}`);
    },
    output: () => [initialLoss],
    facts: () => ({
      ...(steps < job.iterations
        ? { iterations: `partial: ${steps} of ${job.iterations} iterations (${ctx.trainBudgetSeconds} s budget)` }
        : {}),
      'initial loss': initialLoss.toFixed(4),
      'last loss': lastLoss.toFixed(4),
      ...(fallbacks === undefined ? {} : { fallback: fallbacks }),
    }),
    dispose: () => trainer.dispose(),
  };
  if (steps < job.iterations) cell.workPerRun = steps * tokens;
  return cell;
}

/** The train-char-gpt row: every @nn backend, PyTorch when present; the JS peers say why they cannot. */
export function charGptWorkloads(ctx: BenchContext, torch: readonly TorchPeer[]): Workload[] {
  let job: GptJob | null = null;
  const shared = () => {
    job ??= gptJob(ctx.quick);
    return job;
  };
  const config = gptConfig(ctx.quick);
  const iterations = gptIterations(ctx.quick);
  const cells: Record<string, CellFactory> = {};
  for (const backend of ctx.nn) {
    cells[backend.label] = () =>
      gptCell(
        async () => {
          await useNn(backend);
          return nnTrainer(backend, shared());
        },
        shared(),
        ctx,
        () => prepareNn(backend),
        backend.name === 'cpu' ? undefined : nnFallbackProbe(),
      );
  }
  for (const backend of ctx.tfjs) {
    const missing = tfGptMissingKernels(tf, backend.name);
    cells[backend.label] =
      missing.length > 0
        ? { unavailable: `no ${missing.join(', ')} kernel on this backend` }
        : () =>
            gptCell(
              () => tfGptTrainer(backend.name, { ...shared(), optimizer: optimizerOf(shared().config) }),
              shared(),
              ctx,
            );
  }
  cells.convnetjs = { unavailable: 'no embedding, attention or layer normalisation layers' };
  cells['brain.js'] = { unavailable: 'fully connected networks only' };
  for (const peer of torch) cells[peer.label] = () => gptCell(() => torchTrainer(peer, shared()), shared(), ctx);
  return [
    {
      id: 'train-char-gpt',
      title:
        `char-GPT training (apps/examples char-gpt: ${config.nLayer} layers, ${config.nHead} heads, ${config.nEmbd} dims, ` +
        `block ${config.blockSize}, batch ${config.batchSize}, AdamW ${LR}), ${iterations} iterations on tinyshakespeare`,
      unit: 'tokens/s',
      workPerRun: iterations * config.batchSize * config.blockSize,
      // The initial losses are float32 sums over 4 layers of attention in different orders.
      tolerance: 1e-4,
      warmup: 0,
      repetitions: 1,
      cells,
    },
  ];
}
