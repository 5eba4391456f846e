/**
 * A DCGAN on MNIST: a generator of transposed convolutions draws digits from noise, a convolutional discriminator
 * tells them from real ones, and they train against each other. The discriminator's step sees the generator's
 * output through `detach()`, so only the discriminator learns from it. Class-conditional (Mirza & Osindero, 2014):
 * the generator is told which digit to draw (a learned vector per digit appended to the noise) and the
 * discriminator is told which digit it should see (the projection discriminator of Miyato & Koyama, 2018); the
 * mode-seeking term (Mao et al., 2019) keeps the generator from drawing each digit one way whatever the noise.
 * The digit recognizer's LeNet-5 judges the result: how many samples it reads confidently, as which digits, and
 * how many as the digit asked for.
 */
import { noGrad } from '@nn/autograd';
import { DataLoader, TensorDataset } from '@nn/data';
import {
  BatchNorm1d,
  BatchNorm2d,
  binaryCrossEntropy,
  Conv2d,
  ConvTranspose2d,
  Embedding,
  Flatten,
  LeakyReLU,
  Linear,
  Module,
  ReLU,
  Sequential,
  Tanh,
} from '@nn/layers';
import { Adam } from '@nn/optim';
import { concat, full, randn, type Tensor, tensor, tidy } from '@nn/tensor';
import { type Example, percent, type RunContext, writePicture, written } from '../shared/example';
import { mnist } from '../shared/mnist';
import { imageGridPng, lineChartSvg } from '../shared/pictures';
import { judgeSamples, loadJudge } from './judge';

export interface GanConfig {
  /** Size of the noise vector the generator starts from (and of each digit's learned vector). */
  noiseSize: number;
  /** Channels of the generator's 14x14 stage and of the discriminator's first conv (twice that at 7x7). */
  width: number;
  /** 10: class-conditional; 0: unconditional (no digit vectors, no projection). */
  classes: number;
  /** Weight of the mode-seeking term in the generator's loss (0: none). */
  modeSeek: number;
  /** 1: the discriminator also sees the batch's standard deviation (minibatch stddev, Karras et al., 2018). */
  stddev: number;
  trainImages: number;
  /** Training steps (one discriminator and one generator update each). */
  steps: number;
  batchSize: number;
  /** Adam's learning rate, for both networks (betas 0.5, 0.999). */
  lr: number;
  /** Samples the judge classifies at the end (conditional: the digits 0-9 in turn). */
  samples: number;
  /** Judge `samples` every this many steps as well, to log the progress (0: only at the end). */
  judgeEvery: number;
  /** 1: reuse the digit recognizer's saved model as the judge when present; 0: always train one here. */
  reuseRecognizer: number;
  /** Digits (0 = all) and epochs for a judge trained here. */
  judgeImages: number;
  judgeEpochs: number;
}

/** noise [N, noiseSize] and digits [N] -> images [N, 1, 28, 28] in [-1, 1]: 7x7 -> 14x14 -> 28x28. */
export class Generator extends Module {
  readonly embed: Embedding | null;
  readonly project: Sequential;
  readonly upsample: Sequential;

  constructor(
    noiseSize: number,
    readonly width: number,
    classes: number,
  ) {
    super();
    this.embed = classes > 0 ? new Embedding(classes, noiseSize) : null;
    // No biases before batch norm (its shift replaces them), as DCGAN.
    const c = 2 * width;
    this.project = new Sequential(
      new Linear(classes > 0 ? 2 * noiseSize : noiseSize, c * 7 * 7, { bias: false }),
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

  forward(noise: Tensor, digits?: Tensor): Tensor {
    const input = this.embed && digits ? concat([noise, this.embed.forward(digits)], 1) : noise;
    return this.upsample.forward(this.project.forward(input).reshape([-1, 2 * this.width, 7, 7]));
  }
}

/** Appends one channel holding the batch's standard deviation, averaged over features and positions. */
export class MinibatchStddev extends Module {
  forward(x: Tensor): Tensor {
    const [n, , h, w] = x.shape as [number, number, number, number];
    const std = x.var(0, { correction: 0 }).add(1e-8).sqrt().mean();
    return concat([x, std.reshape([1, 1, 1, 1]).broadcastTo([n, 1, h, w])], 1);
  }
}

/**
 * images [N, 1, 28, 28] in [-1, 1] and digits [N] -> one logit each [N, 1]: real (high) or generated (low). The
 * projection: features h, logit = linear(h) + <embed(digit), h>.
 */
export class Discriminator extends Module {
  readonly features: Sequential;
  readonly out: Linear;
  readonly embed: Embedding | null;

  constructor(width: number, classes: number, stddev: boolean) {
    super();
    const size = (2 * width + (stddev ? 1 : 0)) * 7 * 7;
    this.features = new Sequential(
      new Conv2d(1, width, 4, { stride: 2, padding: 1 }),
      new LeakyReLU(0.2),
      new Conv2d(width, 2 * width, 4, { stride: 2, padding: 1, bias: false }),
      new BatchNorm2d(2 * width),
      new LeakyReLU(0.2),
      ...(stddev ? [new MinibatchStddev()] : []),
      new Flatten(),
    );
    this.out = new Linear(size, 1);
    this.embed = classes > 0 ? new Embedding(classes, size) : null;
    // nn.init.normal_(embed.weight, 0, 0.02), DCGAN's init: Embedding's N(0, 1) would swamp the logit.
    const embed = this.embed;
    if (embed) noGrad(() => tidy(() => embed.weight.assign(embed.weight.mul(0.02))));
  }

  forward(x: Tensor, digits?: Tensor): Tensor {
    const h = this.features.forward(x);
    const logit = this.out.forward(h);
    return this.embed && digits ? logit.add(this.embed.forward(digits).mul(h).sum(1, true)) : logit;
  }
}

const bce = (logits: Tensor, target: number) =>
  binaryCrossEntropy(logits, full(logits.shape, target), { fromLogits: true });

/** The generator's images for `noise` (and `digits`), mapped to [0, 1], one tensor (eval mode, no tape). */
function sample(generator: Generator, noise: Tensor, digits?: Tensor): Tensor {
  generator.eval();
  const images = tidy(() => noGrad(() => generator.forward(noise, digits).add(1).div(2)));
  generator.train();
  return images;
}

/**
 * The judge's verdict on the generator's images for `noise` (and `digits`, as a list `asked`): the confident
 * fraction, the digit shares, the fraction read as the digit asked for, and the images.
 */
function judgeGenerator(judge: Module, generator: Generator, noise: Tensor, digits?: Tensor, asked?: number[]) {
  const images = sample(generator, noise, digits);
  return { images, ...judgeSamples(judge, images, 0.9, asked) };
}

/** Mean over digits and pixels of the standard deviation among images of one digit: ~0 if each is drawn one way. */
function withinDigitStd(images: Tensor, digits: readonly number[]): number {
  const perDigit = Array.from({ length: 10 }, (_, d) => {
    const rows = digits.flatMap((l, i) => (l === d ? [i] : []));
    return tidy(() => images.gather(rows, 0).std(0, { correction: 0 }).mean().item());
  });
  return mean(perDigit);
}

async function run(config: GanConfig, context: RunContext) {
  // The judge first, so that it is the same whatever the GAN's configuration (for one seed).
  const { judge, source } = await loadJudge(
    { reuse: config.reuseRecognizer === 1, images: config.judgeImages, epochs: config.judgeEpochs },
    context,
  );
  const { images, labels } = await mnist('train', config.trainImages);
  // Digits scaled to [-1, 1], the range of the generator's tanh.
  const scaled = tidy(() => images.mul(2).sub(1));
  const conditional = config.classes > 0;
  const generator = new Generator(config.noiseSize, config.width, config.classes);
  const critic = new Discriminator(config.width, config.classes, config.stddev === 1);
  // DCGAN's Adam settings: beta1 = 0.5 keeps the two players from overshooting each other.
  const optG = new Adam(generator.parameters(), { lr: config.lr, betas: [0.5, 0.999] });
  const optD = new Adam(critic.parameters(), { lr: config.lr, betas: [0.5, 0.999] });
  const loader = new DataLoader(new TensorDataset(scaled, labels), {
    batchSize: config.batchSize,
    shuffle: true,
    dropLast: true,
  });
  // One fixed noise for every verdict (DCGAN's fixed_noise): judging during training draws no random numbers.
  // Conditional, it asks for the digits 0-9 in turn: 100 of each in 1,000, and each row of the grid reads 0 to 9.
  const fixedNoise = randn([config.samples, config.noiseSize]);
  const asked = conditional ? Array.from({ length: config.samples }, (_, i) => i % 10) : undefined;
  const fixedDigits = asked && tensor(asked, undefined, 'int32');
  const untrained = sample(generator, fixedNoise, fixedDigits);
  const initialMeanPixel = tidy(() => untrained.mean().item());
  untrained.dispose();
  const half = config.batchSize / 2;
  const lossD: number[] = [];
  const lossG: number[] = [];
  const progress: { step: number; confident: number; minDigitShare: number }[] = [];
  while (lossD.length < config.steps) {
    for (const { x: real, y: digits } of loader) {
      if (lossD.length >= config.steps) {
        for (const t of [real, digits!]) t.dispose();
        continue;
      }
      const realDigits = conditional ? digits : undefined;
      // The generated images are asked for the first half's digits twice: two noises per digit, for mode seeking.
      const fakeDigits = conditional
        ? tidy(() => concat([digits!.slice([0], [half]), digits!.slice([0], [half])]))
        : undefined;
      const noise = randn([config.batchSize, config.noiseSize]);
      // Real digits towards 1, generated ones towards 0; detach() cuts the generator off.
      const d = optD.step(() =>
        bce(critic.forward(real, realDigits), 1).add(
          bce(critic.forward(generator.forward(noise, fakeDigits).detach(), fakeDigits), 0),
        ),
      );
      // The generator's step: make the discriminator call its images real; and, mode seeking, make the two halves
      // (same digits, different noise) differ in proportion to their noise.
      const g = optG.step(() => {
        const fake = generator.forward(noise, fakeDigits);
        const [a, b] = [fake.slice([0, 0, 0, 0], [half, -1, -1, -1]), fake.slice([half, 0, 0, 0], [half, -1, -1, -1])];
        const [za, zb] = [noise.slice([0, 0], [half, -1]), noise.slice([half, 0], [half, -1])];
        const ratio = a.sub(b).abs().mean().div(za.sub(zb).abs().mean());
        return bce(critic.forward(fake, fakeDigits), 1).add(ratio.add(1e-5).reciprocal().mul(config.modeSeek));
      });
      lossD.push(d.item());
      lossG.push(g.item());
      for (const t of [real, digits!, noise, d, g, ...(fakeDigits ? [fakeDigits] : [])]) t.dispose();
      const step = lossD.length;
      if (config.judgeEvery > 0 && step % config.judgeEvery === 0 && step < config.steps) {
        const check = judgeGenerator(judge, generator, fixedNoise, fixedDigits, asked);
        check.images.dispose();
        const minDigitShare = Math.min(...check.digitShare);
        progress.push({ step, confident: check.confident, minDigitShare });
        const asAsked = check.asked === undefined ? '' : `, ${percent(check.asked)} as the digit asked for`;
        context.log(
          `step ${step}: ${percent(check.confident)} read confidently, smallest digit share ${percent(minDigitShare)}${asAsked}`,
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
  const verdict = judgeGenerator(judge, generator, fixedNoise, fixedDigits, asked);
  const { images: samples, confident, digitShare } = verdict;
  progress.push({ step: config.steps, confident, minDigitShare: Math.min(...digitShare) });
  context.log(`${percent(confident)} of ${config.samples} samples read with confidence >= 0.9`);
  context.log(`digit shares: ${digitShare.map((s, c) => `${c}: ${percent(s)}`).join(', ')}`);
  // Conditional: how varied each digit's samples are, against the training digits (10,000 of them).
  const diversity = asked && {
    askedDigit: verdict.asked!,
    withinDigitStd: withinDigitStd(samples, asked),
    dataWithinDigitStd: tidy(() => {
      const n = Math.min(10000, images.shape[0]!);
      return withinDigitStd(images.slice([0, 0, 0, 0], [n, 1, 28, 28]), Array.from(labels.slice([0], [n]).dataSync()));
    }),
  };
  if (diversity) {
    context.log(
      `${percent(diversity.askedDigit)} read as the digit asked for; within-digit pixel std ` +
        `${diversity.withinDigitStd.toFixed(3)} (training digits: ${diversity.dataWithinDigitStd.toFixed(3)})`,
    );
  }
  const grid = tidy(() => samples.slice([0, 0, 0, 0], [Math.min(100, config.samples), 1, 28, 28]).dataSync());
  const picture = await writePicture(
    context,
    'samples.png',
    imageGridPng(grid, grid.length / 784, { height: 28, width: 28, columns: 10, scale: 2 }),
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
        yLabel: 'loss; fraction',
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
      ...diversity,
      generatorLossEnd: mean(lossG.slice(-tail)),
      // How much ink: the samples' mean pixel, before training and after, against the training digits'.
      initialMeanPixel,
      sampleMeanPixel: tidy(() => samples.mean().item()),
      dataMeanPixel: tidy(() => images.mean().item()),
    },
    pictures: written(picture, curves),
  };
  for (const t of [samples, fixedNoise, ...(fixedDigits ? [fixedDigits] : [])]) t.dispose();
  return result;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export const gan: Example<GanConfig> = {
  name: 'gan',
  title: "a class-conditional DCGAN draws MNIST digits; the digit recognizer's LeNet-5 judges them",
  full: {
    noiseSize: 64,
    width: 16,
    classes: 10,
    modeSeek: 1,
    stddev: 0,
    trainImages: 0,
    steps: 5000,
    batchSize: 64,
    lr: 2e-4,
    samples: 1000,
    judgeEvery: 1000,
    reuseRecognizer: 1,
    judgeImages: 0,
    judgeEpochs: 3,
  },
  quick: {
    noiseSize: 32,
    width: 8,
    classes: 10,
    modeSeek: 1,
    stddev: 0,
    trainImages: 2000,
    steps: 40,
    batchSize: 32,
    lr: 2e-3,
    samples: 200,
    judgeEvery: 0,
    reuseRecognizer: 0,
    judgeImages: 1000,
    judgeEpochs: 1,
  },
  run,
};
