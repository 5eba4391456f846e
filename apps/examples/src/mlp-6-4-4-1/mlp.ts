/**
 * The multilayer perceptron of the textbooks, 6-4-4-1: six features in, two hidden layers of four tanh units, one
 * sigmoid output. Trained on seeded synthetic data (80/20 split); prints error (misclassified fraction) next to the
 * loss per epoch, to show that both fall together.
 */
import { TensorDataset, trainTestSplit } from '@nn/data';
import { binaryCrossEntropy, fit, Linear, Sequential, Sigmoid, Tanh } from '@nn/layers';
import { Adam } from '@nn/optim';
import { randn, type Tensor, tidy } from '@nn/tensor';
import { type Example, percent, type RunContext, writePicture, written } from '../shared/example';
import { lineChartSvg } from '../shared/pictures';

export interface MlpConfig {
  samples: number;
  epochs: number;
  batchSize: number;
  lr: number;
}

/**
 * `samples` points with six standard-normal features; the label says on which side of a curved surface a point
 * lies (a linear part, one product and one square, so a straight line is not enough).
 */
export function syntheticData(samples: number, seed = 0): { x: Tensor; y: Tensor } {
  const x = randn([samples, 6], { seed });
  const y = tidy(() => {
    const f = (i: number) => x.slice([0, i], [samples, 1]);
    const score = f(0)
      .add(f(1))
      .sub(f(2))
      .add(f(3).mul(f(4)).mul(0.7))
      .sub(f(5).square().mul(0.5))
      .add(0.5);
    return score.greater(0);
  });
  return { x, y };
}

async function run(config: MlpConfig, context: RunContext) {
  const { x, y } = syntheticData(config.samples);
  const { train, test } = trainTestSplit(new TensorDataset(x, y), { testFraction: 0.2, seed: 0 });
  const model = new Sequential(
    new Linear(6, 4),
    new Tanh(),
    new Linear(4, 4),
    new Tanh(),
    new Linear(4, 1),
    new Sigmoid(),
  );
  const history = await fit(model, train, {
    epochs: config.epochs,
    batchSize: config.batchSize,
    optimizer: new Adam(model.parameters(), { lr: config.lr }),
    loss: binaryCrossEntropy,
    metrics: ['error'],
    validationData: test,
    seed: 0,
    verbose: false,
  });
  const loss = history.loss;
  const error = history.error ?? [];
  const testError = history.valError ?? [];
  const testLoss = history.valLoss ?? [];
  context.log('epoch   loss    error   | test loss  test error');
  for (let e = 0; e < loss.length; e++) {
    context.log(
      `${String(e + 1).padStart(5)}  ${loss[e]!.toFixed(4)}  ${percent(error[e]!).padStart(6)}  |  ${testLoss[e]!.toFixed(4)}    ${percent(testError[e]!)}`,
    );
  }
  const picture = await writePicture(
    context,
    'loss-and-error.svg',
    lineChartSvg(
      [
        { name: 'training loss (binary cross-entropy)', values: loss },
        { name: 'training error (misclassified fraction)', values: error },
        { name: 'test loss', values: testLoss },
        { name: 'test error', values: testError },
      ],
      { title: '6-4-4-1 MLP: loss and error per epoch', xLabel: 'epoch', yLabel: 'value' },
    ),
  );
  return {
    lossStart: loss[0]!,
    lossEnd: loss.at(-1)!,
    metrics: { testError: testError.at(-1)!, firstEpochTestError: testError[0]!, testLoss: testLoss.at(-1)! },
    pictures: written(picture),
  };
}

export const mlp6441: Example<MlpConfig> = {
  name: 'mlp-6-4-4-1',
  title: 'a 6-4-4-1 multilayer perceptron on seeded synthetic data: error and loss per epoch',
  full: { samples: 5000, epochs: 60, batchSize: 32, lr: 0.01 },
  quick: { samples: 1000, epochs: 15, batchSize: 32, lr: 0.02 },
  run,
};
