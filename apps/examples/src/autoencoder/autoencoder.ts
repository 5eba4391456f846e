/**
 * A convolutional autoencoder: the encoder squeezes a 28x28 digit into a 32-number code, the decoder
 * (transposed convolutions) draws the digit back from it. Trained to reproduce its input (MSE per pixel).
 */
import { noGrad } from '@nn/autograd';
import { TensorDataset } from '@nn/data';
import {
  Conv2d,
  ConvTranspose2d,
  evaluate,
  Flatten,
  fit,
  Linear,
  Module,
  mseLoss,
  ReLU,
  Sequential,
  Sigmoid,
} from '@nn/layers';
import { Adam } from '@nn/optim';
import { concat, type Tensor, tidy } from '@nn/tensor';
import { type Example, type RunContext, writePicture, written } from '../shared/example';
import { mnist } from '../shared/mnist';
import { imageGridPng } from '../shared/pictures';

export interface AutoencoderConfig {
  /** Size of the code the digit is squeezed into. */
  codeSize: number;
  trainImages: number;
  testImages: number;
  epochs: number;
  batchSize: number;
  lr: number;
}

/** [N, 1, 28, 28] -> code [N, codeSize] -> [N, 1, 28, 28] in [0, 1]. */
export class ConvAutoencoder extends Module {
  readonly encoder: Sequential;
  readonly decoderInput: Sequential;
  readonly decoder: Sequential;

  constructor(codeSize = 32) {
    super();
    this.encoder = new Sequential(
      new Conv2d(1, 16, 3, { stride: 2, padding: 1 }), // 28 -> 14
      new ReLU(),
      new Conv2d(16, 32, 3, { stride: 2, padding: 1 }), // 14 -> 7
      new ReLU(),
      new Flatten(),
      new Linear(32 * 7 * 7, codeSize),
    );
    this.decoderInput = new Sequential(new Linear(codeSize, 32 * 7 * 7), new ReLU());
    this.decoder = new Sequential(
      new ConvTranspose2d(32, 16, 4, { stride: 2, padding: 1 }), // 7 -> 14
      new ReLU(),
      new ConvTranspose2d(16, 1, 4, { stride: 2, padding: 1 }), // 14 -> 28
      new Sigmoid(),
    );
  }

  encode(x: Tensor): Tensor {
    return this.encoder.forward(x);
  }

  decode(code: Tensor): Tensor {
    return this.decoder.forward(this.decoderInput.forward(code).reshape([-1, 32, 7, 7]));
  }

  forward(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }
}

async function run(config: AutoencoderConfig, context: RunContext) {
  const train = await mnist('train', config.trainImages);
  const test = await mnist('test', config.testImages);
  const model = new ConvAutoencoder(config.codeSize);
  const batchLosses: number[] = [];
  // One tensor: each batch's target y is its input x.
  const history = await fit(model, new TensorDataset(train.images), {
    epochs: config.epochs,
    batchSize: config.batchSize,
    optimizer: new Adam(model.parameters(), { lr: config.lr }),
    loss: mseLoss,
    seed: 0,
    verbose: false,
    callbacks: [
      { onBatchEnd: (_batch, logs) => void batchLosses.push(logs.loss!) },
      {
        onEpochEnd: (epoch, logs) => context.log(`epoch ${epoch + 1}: training MSE ${logs.loss!.toFixed(5)} per pixel`),
      },
    ],
  });
  const testMse = Number(
    (await evaluate(model, new TensorDataset(test.images), { loss: mseLoss, batchSize: 500 })).loss,
  );
  context.log(
    `test MSE ${testMse.toFixed(5)} per pixel on ${test.images.shape[0]} digits (code of ${config.codeSize})`,
  );
  // Two rows of ten: test digits, and below them what the decoder draws from their codes.
  const pixels = tidy(() => {
    const originals = test.images.slice([0, 0, 0, 0], [10, 1, 28, 28]);
    const reconstructions = noGrad(() => model.forward(originals));
    return concat([originals, reconstructions], 0).dataSync();
  });
  const picture = await writePicture(
    context,
    'reconstructions.png',
    imageGridPng(pixels, 20, { height: 28, width: 28, columns: 10, scale: 2 }),
  );
  return {
    lossStart: batchLosses[0]!,
    lossEnd: history.loss.at(-1)!,
    metrics: { testMse },
    pictures: written(picture),
  };
}

export const autoencoder: Example<AutoencoderConfig> = {
  name: 'autoencoder',
  title: 'a convolutional autoencoder squeezes MNIST digits into 32 numbers and draws them back',
  full: { codeSize: 32, trainImages: 0, testImages: 0, epochs: 2, batchSize: 64, lr: 3e-3 },
  quick: { codeSize: 32, trainImages: 1000, testImages: 200, epochs: 3, batchSize: 25, lr: 5e-3 },
  run,
};
