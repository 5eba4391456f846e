/**
 * A DCGAN on MNIST: a generator of transposed convolutions draws digits from noise, a convolutional discriminator
 * tells them from real ones, and they train against each other. The discriminator's step sees the generator's
 * output through `detach()`, so only the discriminator learns from it. The digit recognizer's LeNet-5 judges the
 * result: how many samples it reads confidently, and whether every digit appears.
 */
import { noGrad } from '@nn/autograd';
import { DataLoader, TensorDataset } from '@nn/data';
import {
  BatchNorm1d,
  BatchNorm2d,
  binaryCrossEntropy,
  Conv2d,
  ConvTranspose2d,
  Flatten,
  LeakyReLU,
  Linear,
  Module,
  ReLU,
  Sequential,
  Tanh,
} from '@nn/layers';
import { Adam } from '@nn/optim';
import { full, randn, type Tensor, tidy } from '@nn/tensor';
import { type Example, percent, type RunContext, writePicture, written } from '../shared/example';
import { mnist } from '../shared/mnist';
import { imageGridPng, lineChartSvg } from '../shared/pictures';
import { judgeSamples, loadJudge } from './judge';

export interface GanConfig {
  /** Size of the noise vector the generator starts from. */
  noiseSize: number;
  /** Channels of the generator's 14x14 stage and of the discriminator's first conv (twice that at 7x7). */
  width: number;
  trainImages: number;
  /** Training steps (one discriminator and one generator update each). */
  steps: number;
  batchSize: number;
  /** Adam's learning rate, for both networks (betas 0.5, 0.999). */
  lr: number;
  /** The discriminator's target for real digits: 1, or less for one-sided label smoothing. */
  realLabel: number;
  /** Samples the judge classifies at the end. */
  samples: number;
  /** Judge `samples` every this many steps as well, to log the progress (0: only at the end). */
  judgeEvery: number;
  /** 1: reuse the digit recognizer's saved model as the judge when present; 0: always train one here. */
  reuseRecognizer: number;
  /** Digits (0 = all) and epochs for a judge trained here. */
  judgeImages: number;
  judgeEpochs: number;
}

/** noise [N, noiseSize] -> digits [N, 1, 28, 28] in [-1, 1]: 7x7 -> 14x14 -> 28x28 by transposed convolutions. */
export class Generator extends Module {
  readonly project: Sequential;
  readonly upsample: Sequential;

  constructor(
    noiseSize: number,
    readonly width: number,
  ) {
    super();
    // No biases before batch norm (its shift replaces them), as DCGAN.
    const c = 2 * width;
    this.project = new Sequential(
      new Linear(noiseSize, c * 7 * 7, { bias: false }),
      new BatchNorm1d(c * 7 * 7),
      new ReLU(),
    );
    this.upsample = new Sequential(
      new ConvTranspose2d(c, width, 4, { stride: 2, padding: 1, bias: false }),
      new BatchNorm2d(width),
      new ReLU(),
      new ConvTranspose2d(width, 1, 4, { stride: 2, padding: 1 }),
      new Tanh(),
    );
  }

  forward(noise: Tensor): Tensor {
    return this.upsample.forward(this.project.forward(noise).reshape([-1, 2 * this.width, 7, 7]));
  }
}

/** digits [N, 1, 28, 28] in [-1, 1] -> one logit each [N, 1]: real (high) or generated (low). */
export function discriminator(width: number): Sequential {
  return new Sequential(
    new Conv2d(1, width, 4, { stride: 2, padding: 1 }),
    new LeakyReLU(0.2),
    new Conv2d(width, 2 * width, 4, { stride: 2, padding: 1, bias: false }),
    new BatchNorm2d(2 * width),
    new LeakyReLU(0.2),
    new Flatten(),
    new Linear(2 * width * 7 * 7, 1),
  );
}

const bce = (logits: Tensor, target: number) =>
  binaryCrossEntropy(logits, full(logits.shape, target), { fromLogits: true });

/** The generator's digits for `noise` [N, noiseSize], mapped to [0, 1], in batches of 100 (eval mode, no tape). */
function sample(generator: Generator, noise: Tensor): Tensor[] {
  generator.eval();
  const out: Tensor[] = [];
  for (let start = 0; start < noise.shape[0]!; start += 100) {
    const size = Math.min(100, noise.shape[0]! - start);
    out.push(
      tidy(() =>
        noGrad(() =>
          generator
            .forward(noise.slice([start, 0], [size, -1]))
            .add(1)
            .div(2),
        ),
      ),
    );
  }
  generator.train();
  return out;
}

/** The judge's verdict on the generator's digits for `noise`: confident fraction, digit shares, and the samples. */
function judgeGenerator(judge: Module, generator: Generator, noise: Tensor) {
  const batches = sample(generator, noise);
  const count = noise.shape[0]!;
  const verdicts = batches.map((b) => ({ n: b.shape[0]!, v: judgeSamples(judge, b) }));
  const confident = verdicts.reduce((s, { n, v }) => s + n * v.confident, 0) / count;
  const digitShare = Array.from(
    { length: 10 },
    (_, c) => verdicts.reduce((s, { n, v }) => s + n * v.digitShare[c]!, 0) / count,
  );
  return { batches, confident, digitShare };
}

async function run(config: GanConfig, context: RunContext) {
  // The judge first, so that it is the same whatever the GAN's configuration (for one seed).
  const { judge, source } = await loadJudge(
    { reuse: config.reuseRecognizer === 1, images: config.judgeImages, epochs: config.judgeEpochs },
    context,
  );
  const { images } = await mnist('train', config.trainImages);
  // Digits scaled to [-1, 1], the range of the generator's tanh.
  const scaled = tidy(() => images.mul(2).sub(1));
  const generator = new Generator(config.noiseSize, config.width);
  const critic = discriminator(config.width);
  // DCGAN's Adam settings: beta1 = 0.5 keeps the two players from overshooting each other.
  const optG = new Adam(generator.parameters(), { lr: config.lr, betas: [0.5, 0.999] });
  const optD = new Adam(critic.parameters(), { lr: config.lr, betas: [0.5, 0.999] });
  const loader = new DataLoader(new TensorDataset(scaled), {
    batchSize: config.batchSize,
    shuffle: true,
    dropLast: true,
  });
  // One fixed noise for every verdict (DCGAN's fixed_noise): judging during training draws no random numbers.
  const fixedNoise = randn([config.samples, config.noiseSize]);
  const firstNoise = fixedNoise.slice([0, 0], [Math.min(100, config.samples), -1]);
  const untrained = sample(generator, firstNoise);
  const initialMeanPixel = meanPixel(untrained);
  for (const b of [...untrained, firstNoise]) b.dispose();
  const lossD: number[] = [];
  const lossG: number[] = [];
  const progress: { step: number; confident: number; minDigitShare: number }[] = [];
  while (lossD.length < config.steps) {
    for (const { x: real } of loader) {
      if (lossD.length >= config.steps) {
        real.dispose();
        continue;
      }
      const noise = randn([config.batchSize, config.noiseSize]);
      // Real digits towards realLabel, generated ones towards 0; detach() cuts the generator off.
      const d = optD.step(() =>
        bce(critic.forward(real), config.realLabel).add(bce(critic.forward(generator.forward(noise).detach()), 0)),
      );
      // The generator's step: make the discriminator call its digits real.
      const g = optG.step(() => bce(critic.forward(generator.forward(noise)), 1));
      lossD.push(d.item());
      lossG.push(g.item());
      for (const t of [real, noise, d, g]) t.dispose();
      const step = lossD.length;
      if (config.judgeEvery > 0 && step % config.judgeEvery === 0 && step < config.steps) {
        const check = judgeGenerator(judge, generator, fixedNoise);
        for (const b of check.batches) b.dispose();
        progress.push({ step, confident: check.confident, minDigitShare: Math.min(...check.digitShare) });
        context.log(
          `step ${step}: ${percent(check.confident)} read confidently, smallest digit share ${percent(Math.min(...check.digitShare))}`,
        );
      }
      if (step % 100 === 0) {
        context.log(
          `step ${step}: discriminator loss ${lossD.at(-1)!.toFixed(3)}, generator loss ${lossG.at(-1)!.toFixed(3)}`,
        );
      }
    }
  }
  scaled.dispose();
  context.log(`judge: ${source}`);
  const { batches, confident, digitShare } = judgeGenerator(judge, generator, fixedNoise);
  progress.push({ step: config.steps, confident, minDigitShare: Math.min(...digitShare) });
  context.log(`${percent(confident)} of ${config.samples} samples read with confidence >= 0.9`);
  context.log(`digit shares: ${digitShare.map((s, c) => `${c}: ${percent(s)}`).join(', ')}`);
  const grid = tidy(() =>
    batches[0]!.slice([0, 0, 0, 0], [Math.min(100, batches[0]!.shape[0]!), 1, 28, 28]).dataSync(),
  );
  const gridCount = grid.length / 784;
  const picture = await writePicture(
    context,
    'samples.png',
    imageGridPng(grid, gridCount, { height: 28, width: 28, columns: 10, scale: 2 }),
  );
  const smooth = (values: number[]) => values.map((_, i) => mean(values.slice(Math.max(0, i - 19), i + 1)));
  const curves = await writePicture(
    context,
    'losses.svg',
    lineChartSvg(
      [
        { name: 'discriminator loss (running mean of 20 steps)', values: smooth(lossD) },
        { name: 'generator loss (running mean of 20 steps)', values: smooth(lossG) },
        {
          name: 'fraction of samples the judge reads with confidence >= 0.9',
          values: progress.map((p) => p.confident),
          x: progress.map((p) => p.step),
        },
      ],
      {
        title: `DCGAN on MNIST: ${percent(confident)} of samples read confidently`,
        xLabel: 'step',
        yLabel: 'binary cross-entropy; fraction',
      },
    ),
  );
  const tail = Math.max(1, Math.floor(config.steps / 10));
  const result = {
    lossStart: lossD[0]!,
    lossEnd: mean(lossD.slice(-tail)),
    metrics: {
      confident,
      minDigitShare: Math.min(...digitShare),
      ...Object.fromEntries(digitShare.map((s, c) => [`share${c}`, s])),
      generatorLossEnd: mean(lossG.slice(-tail)),
      // How much ink: the samples' mean pixel, before training and after, against the training digits'.
      initialMeanPixel,
      sampleMeanPixel: meanPixel(batches),
      dataMeanPixel: tidy(() => images.mean().item()),
    },
    pictures: written(picture, curves),
  };
  for (const b of [...batches, fixedNoise]) b.dispose();
  return result;
}

function meanPixel(batches: readonly Tensor[]): number {
  return mean(batches.map((b) => tidy(() => b.mean().item())));
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export const gan: Example<GanConfig> = {
  name: 'gan',
  title: "a DCGAN draws MNIST digits; the digit recognizer's LeNet-5 judges them",
  full: {
    noiseSize: 64,
    width: 16,
    trainImages: 0,
    steps: 5000,
    batchSize: 64,
    lr: 2e-4,
    realLabel: 0.9,
    samples: 1000,
    judgeEvery: 500,
    reuseRecognizer: 1,
    judgeImages: 0,
    judgeEpochs: 1,
  },
  quick: {
    noiseSize: 32,
    width: 8,
    trainImages: 2000,
    steps: 40,
    batchSize: 32,
    lr: 2e-3,
    realLabel: 0.9,
    samples: 200,
    judgeEvery: 0,
    reuseRecognizer: 0,
    judgeImages: 1000,
    judgeEpochs: 1,
  },
  run,
};
