/**
 * `train`: LeNet-5 on the 60,000 MNIST training images with the fastest backend present, evaluation on
 * the 10,000 test images, a saved model and a report next to it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { noGrad } from '@nn/autograd';
import { loadMnist, randomAffine, TensorDataset } from '@nn/data';
import { crossEntropy, evaluate, fit, lenet5, saveModel } from '@nn/layers';
import { Adam, OneCycleLR, StepLR } from '@nn/optim';
import { getBackend, manualSeed, type Tensor, tidy } from '@nn/tensor';
import { confusionSvg, curvesSvg, type Misclassified, misclassifiedSvg, reportHtml } from './report';

export interface TrainSettings {
  epochs: number;
  batchSize: number;
  /** The peak learning rate of the one-cycle schedule, or the first one of the step schedule. */
  learningRate: number;
  /**
   * 'onecycle': OneCycleLR stepped after every batch (warm-up to `learningRate`, then annealed to ~0);
   * 'step': StepLR, the learning rate multiplied by `lrDecay` after every epoch.
   */
  schedule: 'onecycle' | 'step';
  /** The step schedule's factor per epoch. */
  lrDecay: number;
  seed: number;
  /** Train on the first N training images only (tests, quick looks); 0 = all 60,000. */
  trainSubset: number;
  /** Evaluate on the first N test images only; 0 = all 10,000. */
  testSubset: number;
  /** Random shifts (2 px), rotations (10°) and zooms (±10%) of the training digits. */
  augment: boolean;
}

export const DEFAULT_SETTINGS: TrainSettings = {
  epochs: 3,
  batchSize: 128,
  learningRate: 6e-3,
  schedule: 'onecycle',
  lrDecay: 0.6,
  seed: 0,
  trainSubset: 0,
  testSubset: 0,
  augment: true,
};

export interface TrainResult {
  testAccuracy: number;
  testLoss: number;
  seconds: number;
  backend: string;
  settingsHash: string;
}

/** A hash of the settings and of the code that trains, so a model is retrained only when either changes. */
export async function settingsHash(settings: TrainSettings): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(settings));
  for (const file of ['train.ts', 'model.ts']) {
    hash.update(await readFile(new URL(`./${file}`, import.meta.url)).catch(() => Buffer.from(file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Reads the summary of a model trained earlier, or null. */
export async function readTrainResult(modelDir: string): Promise<TrainResult | null> {
  try {
    return JSON.parse(await readFile(join(modelDir, 'training.json'), 'utf8')) as TrainResult;
  } catch {
    return null;
  }
}

function firstRows(t: Tensor, n: number): Tensor {
  if (n <= 0 || n >= t.shape[0]!) return t;
  return t.slice(
    t.shape.map(() => 0),
    [n, ...t.shape.slice(1)],
  );
}

export async function train(
  modelDir: string,
  settings: TrainSettings = DEFAULT_SETTINGS,
  verbose = true,
): Promise<TrainResult> {
  const started = performance.now();
  manualSeed(settings.seed);
  const trainSet = await loadMnist('train');
  const testSet = await loadMnist('test');
  const trainX = firstRows(trainSet.images, settings.trainSubset);
  const trainY = firstRows(trainSet.labels, settings.trainSubset);
  const testX = firstRows(testSet.images, settings.testSubset);
  const testY = firstRows(testSet.labels, settings.testSubset);
  const backend = getBackend().name;
  if (verbose) {
    console.log(
      `Training LeNet-5 on ${trainX.shape[0]} MNIST images, testing on ${testX.shape[0]}, backend '${backend}'`,
    );
  }

  const model = lenet5();
  const optimizer = new Adam(model.parameters(), { lr: settings.learningRate });
  const stepsPerEpoch = Math.ceil(trainX.shape[0]! / settings.batchSize);
  const schedule =
    settings.schedule === 'step'
      ? new StepLR(optimizer, { stepSize: 1, gamma: settings.lrDecay })
      : {
          scheduler: new OneCycleLR(optimizer, {
            maxLr: settings.learningRate,
            epochs: settings.epochs,
            stepsPerEpoch,
          }),
          interval: 'batch' as const,
        };
  const history = await fit(model, new TensorDataset(trainX, trainY), {
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    optimizer,
    loss: crossEntropy,
    metrics: ['accuracy'],
    validationData: { x: testX, y: testY },
    seed: settings.seed,
    verbose,
    scheduler: schedule,
    transform: settings.augment
      ? randomAffine({ maxShift: 2, maxRotationDeg: 10, scale: [0.9, 1.1], seed: settings.seed })
      : undefined,
  });
  const seconds = (performance.now() - started) / 1e3;
  const test = await evaluate(
    model,
    { x: testX, y: testY },
    { loss: crossEntropy, metrics: ['accuracy'], batchSize: 500 },
  );

  await mkdir(modelDir, { recursive: true });
  await saveModel(model, modelDir);
  const result: TrainResult = {
    testAccuracy: Number(test.accuracy),
    testLoss: Number(test.loss),
    seconds,
    backend,
    settingsHash: await settingsHash(settings),
  };
  await writeReport(join(modelDir, 'report'), model, testX, testY, history, result, settings.epochs);
  await writeFile(join(modelDir, 'training.json'), `${JSON.stringify({ ...result, settings }, null, 2)}\n`);
  if (verbose) {
    console.log(
      `Test accuracy ${(result.testAccuracy * 100).toFixed(2)}%, ${seconds.toFixed(0)} s; model saved to ${modelDir}`,
    );
  }
  return result;
}

interface HistoryLike {
  loss: number[];
  accuracy?: number[];
  valLoss?: number[];
  valAccuracy?: number[];
}

async function writeReport(
  dir: string,
  model: ReturnType<typeof lenet5>,
  testX: Tensor,
  testY: Tensor,
  history: HistoryLike,
  result: TrainResult,
  epochs: number,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  model.eval();
  const n = testX.shape[0]!;
  const labels = testY.dataSync();
  const matrix = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  const wrong: Misclassified[] = [];
  const batch = 500;
  for (let start = 0; start < n; start += batch) {
    const size = Math.min(batch, n - start);
    const probs = tidy(() => {
      const x = testX.slice([start, 0, 0, 0], [size, 1, 28, 28]);
      return noGrad(() => model.forward(x)).softmax(-1);
    });
    const p = probs.dataSync();
    probs.dispose();
    for (let i = 0; i < size; i++) {
      let predicted = 0;
      for (let c = 1; c < 10; c++) if (p[i * 10 + c]! > p[i * 10 + predicted]!) predicted = c;
      const label = labels[start + i]!;
      matrix[label]![predicted]!++;
      if (predicted !== label && wrong.length < 100) {
        const pixels = tidy(() => testX.slice([start + i, 0, 0, 0], [1, 1, 28, 28]).dataSync()) as Float32Array;
        wrong.push({ pixels: Float32Array.from(pixels), label, predicted, confidence: p[i * 10 + predicted]! });
      }
    }
  }
  await writeFile(
    join(dir, 'curves.svg'),
    curvesSvg({
      loss: history.loss,
      accuracy: history.accuracy ?? [],
      valLoss: history.valLoss ?? [],
      valAccuracy: history.valAccuracy ?? [],
    }),
  );
  await writeFile(join(dir, 'confusion.svg'), confusionSvg(matrix));
  await writeFile(join(dir, 'misclassified.svg'), misclassifiedSvg(wrong));
  await writeFile(
    join(dir, 'index.html'),
    reportHtml({ testAccuracy: result.testAccuracy, epochs, seconds: result.seconds, backend: result.backend }),
  );
}
