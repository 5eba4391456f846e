/** `fit`, `evaluate` and `predict`: the training loop, batched evaluation and batched inference. */
import { noGrad } from '@nn/autograd';
import { DataLoader, type Dataset, type Sample, TensorDataset, type Transform } from '@nn/data';
import type { LRScheduler, Optimizer } from '@nn/optim';
import { concat, Tensor, tidy, ValueError } from '@nn/tensor';
import type { Module } from '../module';
import type { Callback, History, Logs, TrainingContext } from './callbacks';
import {
  checkMetrics,
  type LossFn,
  type LossName,
  type MetricName,
  metricSum,
  resolveLoss,
  validationKey,
} from './metrics';
import { ProgressBar, type ProgressOutput } from './progress';

/** Training or validation data: a Dataset of `{ x, y }` samples, or whole tensors `{ x, y }`. */
export type Data = Dataset<Sample> | { x: Tensor; y: Tensor };

export interface FitOptions {
  /** Total epochs; with `initialEpoch` the run covers epochs initialEpoch..epochs-1 (like Keras). */
  epochs: number;
  batchSize?: number;
  optimizer: Optimizer;
  loss: LossFn | LossName;
  metrics?: readonly MetricName[];
  validationData?: Data;
  /** Seeds the shuffle: the order of epoch e depends only on (seed, e), which makes resuming exact. */
  seed?: number;
  shuffle?: boolean;
  /** Progress bar on a terminal, one line per epoch otherwise (default true). */
  verbose?: boolean;
  callbacks?: readonly Callback[];
  initialEpoch?: number;
  /** Stepped once after every epoch. */
  scheduler?: LRScheduler;
  /** Applied to every training batch (augmentation, normalisation); validation data is left as it is. */
  transform?: Transform;
  /** Where progress is written (default process.stdout, or console.log without Node). */
  progressOutput?: ProgressOutput;
}

function toDataset(data: Data, owner: string, name: string): Dataset<Sample> {
  if (data !== null && typeof data === 'object' && 'x' in data && data.x instanceof Tensor) {
    if (!(data.y instanceof Tensor)) throw new ValueError(`${owner}: ${name}.y must be a Tensor`);
    return new TensorDataset(data.x, data.y);
  }
  if (data === null || typeof data !== 'object' || typeof (data as Dataset).get !== 'function') {
    throw new ValueError(`${owner}: ${name} must be a Dataset or { x, y } tensors`);
  }
  return data as Dataset<Sample>;
}

/** The prediction tensor of a forward result (RNNs return `{ output, hidden }`). */
function asPrediction(out: unknown, owner: string): Tensor {
  if (out instanceof Tensor) return out;
  const output = (out as { output?: unknown } | null)?.output;
  if (output instanceof Tensor) return output;
  throw new ValueError(`${owner}: model.forward must return a Tensor (or { output })`);
}

function checkPositiveInt(owner: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new ValueError(`${owner}: ${name} must be a positive integer, got ${value}`);
  return value;
}

/** Running sums for sample-weighted means. */
class Totals {
  samples = 0;
  readonly sums = new Map<string, number>();
  add(name: string, sum: number): void {
    this.sums.set(name, (this.sums.get(name) ?? 0) + sum);
  }
  means(): Logs {
    const logs: Logs = {};
    for (const [k, v] of this.sums) logs[k] = v / Math.max(this.samples, 1);
    return logs;
  }
}

/**
 * Trains `model` with `optimizer` on `trainData`; returns the per-epoch history.
 * @example const history = await fit(model, { x, y }, { epochs: 5, optimizer: new Adam(model.parameters()), loss: 'crossEntropy', metrics: ['accuracy'] });
 */
export async function fit(model: Module, trainData: Data, options: FitOptions): Promise<History> {
  const owner = 'fit';
  const { optimizer, scheduler, validationData, callbacks = [], seed = 0, shuffle = true, verbose = true } = options;
  const epochs = checkPositiveInt(owner, 'epochs', options.epochs);
  const batchSize = checkPositiveInt(owner, 'batchSize', options.batchSize ?? 32);
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new ValueError(`${owner}: initialEpoch must be >= 0`);
  if (!optimizer || typeof optimizer.step !== 'function')
    throw new ValueError(`${owner}: options.optimizer is required`);
  const lossFn = resolveLoss(options.loss, owner);
  const metrics = checkMetrics(options.metrics ?? [], owner);
  const dataset = toDataset(trainData, owner, 'trainData');
  const validation = validationData === undefined ? undefined : toDataset(validationData, owner, 'validationData');
  const loader = new DataLoader(dataset, { batchSize, shuffle, seed, transform: options.transform });
  const history: History = { epoch: [], loss: [] };
  const context: TrainingContext = { model, optimizer, scheduler, history, epochs, stopTraining: false };
  const progress = new ProgressBar(verbose, epochs, dataset.length, options.progressOutput);

  for (const cb of callbacks) await cb.onTrainBegin?.(context);
  for (let epoch = initialEpoch; epoch < epochs && !context.stopTraining; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, context);
    model.train();
    progress.epochBegin(epoch);
    loader.setEpoch(epoch);
    const totals = new Totals();
    let batchIndex = 0;
    for (const { x, y } of loader) {
      const n = x.shape[0] ?? 1;
      let stats: number[] = [];
      try {
        const loss = optimizer.step(() => {
          const prediction = asPrediction(model.forward(x), owner);
          const value = lossFn(prediction, y);
          stats = noGrad(() => metrics.map((m) => metricSum(m, prediction, y)));
          return value;
        });
        totals.add('loss', loss.item() * n);
        loss.dispose();
      } finally {
        x.dispose();
        y.dispose();
      }
      metrics.forEach((m, i) => {
        totals.add(m, stats[i]!);
      });
      totals.samples += n;
      const running = totals.means();
      progress.batchEnd(totals.samples, running);
      for (const cb of callbacks) await cb.onBatchEnd?.(batchIndex, running, context);
      batchIndex++;
    }
    const logs = totals.means();
    if (validation) {
      const valLogs = evaluateDataset(model, validation, lossFn, metrics, batchSize);
      for (const [k, v] of Object.entries(valLogs)) logs[validationKey(k)] = v;
    }
    history.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) {
      history[k] ??= [];
      history[k].push(v);
    }
    scheduler?.step();
    progress.epochEnd(logs);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, context);
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(context);
  return history;
}

function evaluateDataset(
  model: Module,
  data: Dataset<Sample>,
  lossFn: LossFn,
  metrics: MetricName[],
  batchSize: number,
): Logs {
  const wasTraining = model.training;
  model.eval();
  const totals = new Totals();
  try {
    for (const { x, y } of new DataLoader(data, { batchSize })) {
      const n = x.shape[0] ?? 1;
      noGrad(() =>
        tidy(() => {
          const prediction = asPrediction(model.forward(x), 'evaluate');
          totals.add('loss', lossFn(prediction, y).item() * n);
          for (const m of metrics) totals.add(m, metricSum(m, prediction, y));
        }),
      );
      x.dispose();
      y.dispose();
      totals.samples += n;
    }
  } finally {
    model.train(wasTraining);
  }
  return totals.means();
}

export interface EvaluateOptions {
  loss: LossFn | LossName;
  metrics?: readonly MetricName[];
  batchSize?: number;
}

/**
 * Mean loss and metrics over `data`, in eval mode without gradients.
 * @example const { loss, accuracy } = evaluate(model, test, { loss: 'crossEntropy', metrics: ['accuracy'] });
 */
export function evaluate(model: Module, data: Data, options: EvaluateOptions): Logs {
  const lossFn = resolveLoss(options.loss, 'evaluate');
  const metrics = checkMetrics(options.metrics ?? [], 'evaluate');
  const batchSize = checkPositiveInt('evaluate', 'batchSize', options.batchSize ?? 32);
  return evaluateDataset(model, toDataset(data, 'evaluate', 'data'), lossFn, metrics, batchSize);
}

/**
 * The model's outputs for `x` (first axis = samples), computed in batches in eval mode without gradients.
 * @example const logits = predict(model, images, { batchSize: 256 });
 */
export function predict(model: Module, x: Tensor, options: { batchSize?: number } = {}): Tensor {
  if (!(x instanceof Tensor) || x.rank === 0) throw new ValueError('predict: x must be a Tensor with a batch axis');
  const batchSize = checkPositiveInt('predict', 'batchSize', options.batchSize ?? 32);
  const n = x.shape[0]!;
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() =>
      tidy(() => {
        const parts: Tensor[] = [];
        for (let start = 0; start < Math.max(n, 1); start += batchSize) {
          const size = Math.min(batchSize, n - start);
          const batch =
            n <= batchSize ? x : x.slice([start, ...x.shape.slice(1).map(() => 0)], [size, ...x.shape.slice(1)]);
          parts.push(asPrediction(model.forward(batch), 'predict'));
        }
        return parts.length === 1 ? parts[0]!.clone() : concat(parts, 0);
      }),
    );
  } finally {
    model.train(wasTraining);
  }
}
