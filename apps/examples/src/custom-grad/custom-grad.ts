/**
 * A user-defined op with its own gradient: `customGrad` builds the straight-through estimator (Courbariaux et al.,
 * BinaryConnect, 2015). The forward pass uses weights binarised to -1/+1; the backward pass pretends the
 * binarisation was the identity (cut off where |w| > 1), so real-valued latent weights keep learning.
 */
import { customGrad } from '@nn/autograd';
import { BatchNorm1d, crossEntropy, Flatten, fit, Linear, ReLU, Sequential } from '@nn/layers';
import { Adam } from '@nn/optim';
import { matmul, type Tensor, tidy, where } from '@nn/tensor';
import { finishClassifier, trainingLog } from '../shared/classifier';
import type { Example, RunContext } from '../shared/example';
import { mnist } from '../shared/mnist';

export interface CustomGradConfig {
  hidden: number;
  trainImages: number;
  testImages: number;
  epochs: number;
  batchSize: number;
  lr: number;
}

/** sign(w) as -1/+1 forward; backward passes dy straight through where |w| <= 1 and blocks it elsewhere. */
export const binarize = customGrad((w: Tensor) => ({
  value: w.greater(0).mul(2).sub(1),
  grad: (dy: Tensor) => [where(w.abs().greater(1), 0, dy)],
}));

/** A Linear layer whose forward pass multiplies by the binarised weight; `weight` holds the latent real values. */
export class BinaryLinear extends Linear {
  override forward(x: Tensor): Tensor {
    return matmul(x, binarize(this.weight), { transposeB: true });
  }

  /** Keeps the latent weights in [-1, 1] (beyond, the straight-through gradient is zero and they would freeze). */
  clipLatent(): void {
    this.weight.assign(tidy(() => this.weight.clip(-1, 1)));
  }
}

/** 784 -> hidden -> 10 with binary weights; batch norm rescales the +-1 sums (no biases). */
export function binaryMlp(hidden: number): { model: Sequential; binaryLayers: BinaryLinear[] } {
  const binaryLayers = [new BinaryLinear(784, hidden, { bias: false }), new BinaryLinear(hidden, 10, { bias: false })];
  const model = new Sequential(
    new Flatten(),
    binaryLayers[0]!,
    new BatchNorm1d(hidden),
    new ReLU(),
    binaryLayers[1]!,
    new BatchNorm1d(10),
  );
  return { model, binaryLayers };
}

async function run(config: CustomGradConfig, context: RunContext) {
  const train = await mnist('train', config.trainImages);
  const test = await mnist('test', config.testImages);
  const { model, binaryLayers } = binaryMlp(config.hidden);
  const batchLosses: number[] = [];
  const history = await fit(
    model,
    { x: train.images, y: train.labels },
    {
      epochs: config.epochs,
      batchSize: config.batchSize,
      optimizer: new Adam(model.parameters(), { lr: config.lr }),
      loss: crossEntropy,
      metrics: ['accuracy'],
      seed: 0,
      verbose: false,
      callbacks: [
        {
          onBatchEnd: () => {
            for (const layer of binaryLayers) layer.clipLatent();
          },
        },
        ...trainingLog(context, batchLosses),
      ],
    },
  );
  // What the network computes with: every weight of both layers is -1 or +1.
  const binary = tidy(() => binaryLayers.every((l) => binarize(l.weight).abs().equal(1).min().item() === 1));
  return finishClassifier(
    {
      model,
      test,
      history,
      batchLosses,
      title: `binary-weight MLP 784-${config.hidden}-10 (straight-through estimator)`,
      note: `; weights all +-1: ${binary}`,
      metrics: { weightsBinary: binary ? 1 : 0 },
    },
    context,
  );
}

export const customGradExample: Example<CustomGradConfig> = {
  name: 'custom-grad',
  title: 'customGrad: a straight-through estimator trains an MLP whose weights are all -1 or +1',
  full: { hidden: 256, trainImages: 0, testImages: 0, epochs: 3, batchSize: 100, lr: 1e-3 },
  quick: { hidden: 64, trainImages: 2000, testImages: 500, epochs: 2, batchSize: 50, lr: 5e-3 },
  run,
};
