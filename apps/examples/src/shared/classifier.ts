/** What the MNIST classifier examples (custom-grad, lstm) share: fit's logging callbacks and the evaluate/chart tail. */
import type { Mnist } from '@nn/data';
import { type Callback, crossEntropy, evaluate, type History, type Module } from '@nn/layers';
import { type ExampleResult, percent, type RunContext, writePicture, written } from './example';
import { lineChartSvg } from './pictures';

/** fit's callbacks: every batch's loss (the running mean of its epoch) into `batchLosses`, and one log line an epoch. */
export function trainingLog(context: RunContext, batchLosses: number[]): Callback[] {
  return [
    { onBatchEnd: (_batch, logs) => void batchLosses.push(logs.loss!) },
    {
      onEpochEnd: (epoch, logs) =>
        context.log(`epoch ${epoch + 1}: loss ${logs.loss!.toFixed(4)}, accuracy ${percent(logs.accuracy!)}`),
    },
  ];
}

/** A trained classifier and what its run recorded, for `finishClassifier`. */
export interface TrainedClassifier {
  model: Module;
  test: Mnist;
  history: History;
  /** What `trainingLog` recorded. */
  batchLosses: number[];
  /** The training-loss chart's title, before ": test accuracy ...". */
  title: string;
  /** Added at the end of the test-accuracy log line. */
  note?: string;
  /** The example's own metrics, after testAccuracy and trainAccuracy. */
  metrics?: Record<string, number>;
}

/** Evaluates on the test digits (batches of 500), logs the accuracy, draws the training-loss chart, and reports. */
export async function finishClassifier(run: TrainedClassifier, context: RunContext): Promise<ExampleResult> {
  const { model, test, history, batchLosses } = run;
  const result = await evaluate(
    model,
    { x: test.images, y: test.labels },
    { loss: crossEntropy, metrics: ['accuracy'], batchSize: 500 },
  );
  const testAccuracy = Number(result.accuracy);
  context.log(`test accuracy ${percent(testAccuracy)} on ${test.images.shape[0]} digits${run.note ?? ''}`);
  const picture = await writePicture(
    context,
    'training-loss.svg',
    lineChartSvg([{ name: 'training loss: running mean of each epoch, after every batch', values: batchLosses }], {
      title: `${run.title}: test accuracy ${percent(testAccuracy)}`,
      xLabel: 'batch',
      yLabel: 'cross-entropy',
      logY: true,
    }),
  );
  return {
    lossStart: batchLosses[0]!,
    lossEnd: history.loss.at(-1)!,
    metrics: { testAccuracy, trainAccuracy: history.accuracy?.at(-1) ?? Number.NaN, ...run.metrics },
    pictures: written(picture),
  };
}
