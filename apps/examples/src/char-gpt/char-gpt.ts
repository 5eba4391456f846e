/**
 * nanoGPT's CPU "baby GPT" on tinyshakespeare, characters as tokens: nanoGPT's train.py loop (warm-up + cosine
 * learning rate, AdamW, gradient clipping, estimate_loss every evalInterval steps), then 500 sampled characters.
 */
import { noGrad } from '@nn/autograd';
import { Generator, tensor, tidy } from '@nn/tensor';
import { type Example, type RunContext, writePicture, written } from '../shared/example';
import { lineChartSvg } from '../shared/pictures';
import { type CharData, getBatch, loadShakespeare, sequentialBatches } from './data';
import { configureOptimizers, GPT, learningRate } from './model';

export interface CharGptConfig {
  nLayer: number;
  nHead: number;
  nEmbd: number;
  blockSize: number;
  batchSize: number;
  maxIters: number;
  lr: number;
  minLr: number;
  warmupIters: number;
  weightDecay: number;
  beta2: number;
  gradClip: number;
  evalInterval: number;
  evalIters: number;
  sampleChars: number;
  temperature: number;
}

/** The model of a configuration, for the example and the benchmark's char-GPT workload. */
export function gptFor(config: CharGptConfig, vocabSize: number): GPT {
  const { nLayer, nHead, nEmbd, blockSize } = config;
  return new GPT({ nLayer, nHead, nEmbd, blockSize, vocabSize });
}

/** nanoGPT's estimate_loss: the mean loss of `evalIters` random batches of each split, in eval mode, no gradients. */
function estimateLoss(model: GPT, data: CharData, config: CharGptConfig, generator: Generator) {
  model.eval();
  const out = { train: 0, val: 0 };
  for (const split of ['train', 'val'] as const) {
    let total = 0;
    for (let k = 0; k < config.evalIters; k++) {
      const { x, y } = getBatch(data[split], config.batchSize, config.blockSize, generator);
      total += tidy(() => noGrad(() => model.loss(x, y).item()));
      x.dispose();
      y.dispose();
    }
    out[split] = total / config.evalIters;
  }
  model.train();
  return out;
}

/**
 * The mean loss over every character of the validation split (consecutive windows of blockSize, each predicted
 * once): the exact value estimate_loss approximates from evalIters random batches (with 20 batches of 12 x 64
 * characters its standard error is ~0.01).
 */
function wholeSplitLoss(model: GPT, ids: Int32Array, config: CharGptConfig): number {
  model.eval();
  let total = 0;
  let count = 0;
  for (const { x, y } of sequentialBatches(ids, 64, config.blockSize)) {
    const n = x.size;
    total += tidy(() => noGrad(() => model.loss(x, y).item())) * n;
    count += n;
    x.dispose();
    y.dispose();
  }
  model.train();
  return total / count;
}

interface Eval {
  iter: number;
  train: number;
  val: number;
}

/** The train and val curves of estimate_loss, titled with the last val loss and how far the run got. */
function lossChart(config: CharGptConfig, evals: readonly Eval[]): string {
  const last = evals.at(-1)!;
  const progress = last.iter === config.maxIters ? '' : ` at step ${last.iter} of ${config.maxIters}`;
  return lineChartSvg(
    [
      { name: 'train loss (estimate_loss)', values: evals.map((e) => e.train), x: evals.map((e) => e.iter) },
      { name: 'val loss (estimate_loss)', values: evals.map((e) => e.val), x: evals.map((e) => e.iter) },
    ],
    {
      title: `char-GPT (${config.nLayer} layers, ${config.nEmbd} dims) on tinyshakespeare: val loss ${last.val.toFixed(3)}${progress}`,
      xLabel: 'iteration',
      yLabel: 'cross-entropy (nats per character)',
    },
  );
}

async function run(config: CharGptConfig, context: RunContext) {
  const data = loadShakespeare();
  const model = gptFor(config, data.chars.length);
  context.log(
    `vocabulary ${data.chars.length} characters, ${data.train.length} train / ${data.val.length} val; ` +
      `${(model.numParameters() / 1e6).toFixed(2)}M parameters`,
  );
  const schedule = {
    lr: config.lr,
    minLr: config.minLr,
    warmupIters: config.warmupIters,
    lrDecayIters: config.maxIters,
  };
  const optimizer = configureOptimizers(model, {
    weightDecay: config.weightDecay,
    lr: config.lr,
    betas: [0.9, config.beta2],
    gradClip: config.gradClip,
  });
  const generator = new Generator(1337);
  const evals: Eval[] = [];
  const batchLosses: number[] = [];
  let trainSeconds = 0;
  for (let iter = 0; ; iter++) {
    optimizer.lr = learningRate(iter, schedule);
    if (iter % config.evalInterval === 0 || iter === config.maxIters) {
      const losses = estimateLoss(model, data, config, generator);
      evals.push({ iter, ...losses });
      context.log(`step ${iter}: train loss ${losses.train.toFixed(4)}, val loss ${losses.val.toFixed(4)}`);
      // The curve so far, as nanoGPT checkpoints at every evaluation: a long run stopped early still leaves it.
      await writePicture(context, 'loss-curves.svg', lossChart(config, evals));
    }
    if (iter === config.maxIters) break;
    const started = performance.now();
    const { x, y } = getBatch(data.train, config.batchSize, config.blockSize, generator);
    const loss = optimizer.step(() => model.loss(x, y));
    batchLosses.push(loss.item());
    loss.dispose();
    x.dispose();
    y.dispose();
    trainSeconds += (performance.now() - started) / 1e3;
    if ((iter + 1) % 100 === 0) {
      const tokensPerSecond = ((iter + 1) * config.batchSize * config.blockSize) / trainSeconds;
      context.log(`iter ${iter + 1}: loss ${batchLosses.at(-1)!.toFixed(4)}, ${tokensPerSecond.toFixed(0)} tokens/s`);
    }
  }
  const tokensPerSecond = (config.maxIters * config.batchSize * config.blockSize) / trainSeconds;
  const final = evals.at(-1)!;
  const valLossWhole = wholeSplitLoss(model, data.val, config);
  context.log(
    `val loss ${final.val.toFixed(4)} (estimate_loss) and ${valLossWhole.toFixed(4)} (all ${data.val.length} ` +
      `validation characters) after ${config.maxIters} iterations; training ${tokensPerSecond.toFixed(0)} tokens/s`,
  );

  // nanoGPT's sample.py: start from a newline, temperature 0.8 (top_k 200 keeps all 65 characters).
  model.eval();
  const start = tensor(data.encode('\n'), [1, 1], 'int32');
  const ids = model.generate(start, config.sampleChars, { temperature: config.temperature, generator });
  const sample = data.decode((await ids.data()).subarray(1));
  context.log(`--- ${config.sampleChars} generated characters ---\n${sample}\n---`);
  const samplePicture = await writePicture(context, 'sample.txt', `${sample}\n`);
  const curves = await writePicture(context, 'loss-curves.svg', lossChart(config, evals));
  return {
    lossStart: evals[0]!.train,
    lossEnd: final.train,
    metrics: { valLoss: final.val, valLossWhole, trainLoss: final.train, tokensPerSecond, trainSeconds },
    pictures: written(curves, samplePicture),
    evals,
    sample,
  };
}

export const charGpt: Example<CharGptConfig> = {
  name: 'char-gpt',
  title: "nanoGPT's CPU baby GPT (4 layers, 4 heads, 128 dims) learns tinyshakespeare character by character",
  // nanoGPT README's CPU command: config/train_shakespeare_char.py with --block_size=64 --batch_size=12
  // --n_layer=4 --n_head=4 --n_embd=128 --max_iters=2000 --lr_decay_iters=2000 --dropout=0.0 --eval_iters=20.
  full: {
    nLayer: 4,
    nHead: 4,
    nEmbd: 128,
    blockSize: 64,
    batchSize: 12,
    maxIters: 2000,
    lr: 1e-3,
    minLr: 1e-4,
    warmupIters: 100,
    weightDecay: 0.1,
    beta2: 0.99,
    gradClip: 1,
    evalInterval: 250,
    evalIters: 20,
    sampleChars: 500,
    temperature: 0.8,
  },
  quick: {
    nLayer: 1,
    nHead: 2,
    nEmbd: 32,
    blockSize: 16,
    batchSize: 8,
    maxIters: 60,
    lr: 1e-2,
    minLr: 1e-3,
    warmupIters: 5,
    weightDecay: 0.1,
    beta2: 0.99,
    gradClip: 1,
    evalInterval: 30,
    evalIters: 4,
    sampleChars: 40,
    temperature: 0.8,
  },
  run,
};
