/**
 * An LSTM reads an MNIST digit one row at a time (28 steps of 28 pixels) and classifies it from its last hidden
 * state: LSTM(28, 128) then Linear(128, 10).
 */
import { crossEntropy, fit, Linear, LSTM, Module } from '@nn/layers';
import { Adam, CosineAnnealingLR } from '@nn/optim';
import type { Tensor } from '@nn/tensor';
import { finishClassifier, trainingLog } from '../shared/classifier';
import type { Example, RunContext } from '../shared/example';
import { mnist } from '../shared/mnist';

export interface LstmConfig {
  trainImages: number;
  testImages: number;
  epochs: number;
  batchSize: number;
  lr: number;
}

/** Rows as time steps: x [N, 1, 28, 28] -> LSTM over 28 steps -> logits [N, 10] from the last step. */
export class RowLstm extends Module {
  readonly lstm: LSTM;
  readonly fc: Linear;

  constructor(hiddenSize = 128) {
    super();
    this.lstm = new LSTM(28, hiddenSize);
    this.fc = new Linear(hiddenSize, 10);
  }

  forward(x: Tensor): Tensor {
    const n = x.shape[0]!;
    const { hidden } = this.lstm.forward(x.reshape([n, 28, 28]));
    // h of the last step, [numLayers = 1, N, hidden] -> [N, hidden]
    return this.fc.forward(hidden[0].reshape([n, -1]));
  }
}

async function run(config: LstmConfig, context: RunContext) {
  const train = await mnist('train', config.trainImages);
  const test = await mnist('test', config.testImages);
  const model = new RowLstm();
  const batchLosses: number[] = [];
  // Clipping keeps the recurrent gradients from spiking in the first batches.
  const optimizer = new Adam(model.parameters(), { lr: config.lr, clipGradNorm: 1 });
  // The learning rate anneals (cosine) to 0 over the whole run, stepped after every batch.
  const batches = Math.ceil(train.images.shape[0]! / config.batchSize) * config.epochs;
  const history = await fit(
    model,
    { x: train.images, y: train.labels },
    {
      epochs: config.epochs,
      batchSize: config.batchSize,
      optimizer,
      scheduler: { scheduler: new CosineAnnealingLR(optimizer, { tMax: batches }), interval: 'batch' },
      loss: crossEntropy,
      metrics: ['accuracy'],
      seed: 0,
      verbose: false,
      callbacks: trainingLog(context, batchLosses),
    },
  );
  return finishClassifier({ model, test, history, batchLosses, title: 'LSTM(28, 128) on MNIST rows' }, context);
}

export const lstm: Example<LstmConfig> = {
  name: 'lstm',
  title: 'LSTM(28, 128) reads MNIST digits row by row (28 steps of 28 pixels)',
  full: { trainImages: 0, testImages: 0, epochs: 4, batchSize: 100, lr: 2e-3 },
  quick: { trainImages: 1000, testImages: 500, epochs: 2, batchSize: 50, lr: 5e-3 },
  run,
};
