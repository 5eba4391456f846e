/** `fit`, `evaluate` and `predict`: the training loop, batched evaluation and batched inference. */
import { noGrad } from '@nn/autograd';
import { DataLoader, type Dataset, type Sample, TensorDataset, type Transform } from '@nn/data';
import type { LRScheduler, Optimizer } from '@nn/optim';
import { concat, keep, StateError, Tensor, tidy, ValueError } from '@nn/tensor';
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
import { RunningTotals } from './totals';

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
  const batchCallbacks = callbacks.filter((cb) => typeof cb.onBatchEnd === 'function');

  for (const cb of callbacks) await cb.onTrainBegin?.(context);
  for (let epoch = initialEpoch; epoch < epochs && !context.stopTraining; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, context);
    model.train();
    progress.epochBegin(epoch);
    loader.setEpoch(epoch);
    // Loss and metric sums stay on the device; they are read when a number is needed: at the end of the
    // epoch, for the live progress line (at most every 200 ms), and every batch only if a callback has onBatchEnd.
    const totals = new RunningTotals(['loss', ...metrics]);
    let logs: Logs;
    try {
      let running: Logs = {};
      let batchIndex = 0;
      for (const { x, y } of loader) {
        const n = x.shape[0] ?? 1;
        let stats: Tensor[] = [];
        let loss: Tensor | undefined;
        let lossSum: Tensor | undefined;
        try {
          loss = optimizer.step(() => {
            const prediction = asPrediction(model.forward(x), owner);
            const value = lossFn(prediction, y);
            // Kept past the optimizer's tidy (which frees everything but the loss); disposed below.
            for (const t of stats) t.dispose();
            stats = noGrad(() => tidy(() => metrics.map((m) => metricSum(m, prediction, y)))).map((t) => keep(t));
            return value;
          });
          const batchLoss = loss;
          lossSum = noGrad(() => tidy(() => batchLoss.mul(n))); // tidy frees the constant n
          totals.add([lossSum, ...stats], n);
        } finally {
          for (const t of [loss, lossSum, ...stats, x, y]) t?.dispose();
        }
        if (progress.logsDue() || batchCallbacks.length > 0) running = await totals.means();
        progress.batchEnd(totals.samples, running);
        for (const cb of batchCallbacks) await cb.onBatchEnd?.(batchIndex, running, context);
        batchIndex++;
      }
      logs = await totals.means();
    } finally {
      totals.dispose();
    }
    if (validation) {
      const valLogs = await evaluateDataset(model, validation, lossFn, metrics, batchSize);
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

/** Runs `data` through the model in eval mode without gradients; the sums stay on the device (caller disposes). */
function accumulate(
  model: Module,
  data: Dataset<Sample>,
  lossFn: LossFn,
  metrics: MetricName[],
  batchSize: number,
  owner: string,
): RunningTotals {
  const wasTraining = model.training;
  model.eval();
  const totals = new RunningTotals(['loss', ...metrics]);
  try {
    for (const { x, y } of new DataLoader(data, { batchSize })) {
      const n = x.shape[0] ?? 1;
      try {
        noGrad(() =>
          tidy(() => {
            const prediction = asPrediction(model.forward(x), owner);
            const sums = [lossFn(prediction, y).mul(n), ...metrics.map((m) => metricSum(m, prediction, y))];
            totals.add(sums, n);
          }),
        );
      } finally {
        x.dispose();
        y.dispose();
      }
    }
  } catch (error) {
    totals.dispose();
    throw error;
  } finally {
    model.train(wasTraining);
  }
  return totals;
}

/** Mean loss and metrics over `data`, read once with `await data()`. */
async function evaluateDataset(
  model: Module,
  data: Dataset<Sample>,
  lossFn: LossFn,
  metrics: MetricName[],
  batchSize: number,
  owner = 'evaluate',
): Promise<Logs> {
  const totals = accumulate(model, data, lossFn, metrics, batchSize, owner);
  try {
    return await totals.means();
  } finally {
    totals.dispose();
  }
}

export interface EvaluateOptions {
  loss: LossFn | LossName;
  metrics?: readonly MetricName[];
  batchSize?: number;
}

function evaluateArguments(owner: string, data: Data, options: EvaluateOptions) {
  const lossFn = resolveLoss(options.loss, owner);
  const metrics = checkMetrics(options.metrics ?? [], owner);
  const batchSize = checkPositiveInt(owner, 'batchSize', options.batchSize ?? 32);
  return { dataset: toDataset(data, owner, 'data'), lossFn, metrics, batchSize };
}

/**
 * Mean loss and metrics over `data`, in eval mode without gradients. Synchronous: the sums are accumulated on
 * the device and read once at the end; on backends without synchronous reads (webgpu) use `evaluateAsync`.
 * @example const { loss, accuracy } = evaluate(model, test, { loss: 'crossEntropy', metrics: ['accuracy'] });
 */
export function evaluate(model: Module, data: Data, options: EvaluateOptions): Logs {
  const { dataset, lossFn, metrics, batchSize } = evaluateArguments('evaluate', data, options);
  const totals = accumulate(model, dataset, lossFn, metrics, batchSize, 'evaluate');
  try {
    return totals.meansSync();
  } catch (error) {
    if (error instanceof StateError) {
      throw new StateError(`evaluate: ${error.message} (await evaluateAsync(...) reads the result asynchronously)`);
    }
    throw error;
  } finally {
    totals.dispose();
  }
}

/**
 * `evaluate` that reads its one result with `await data()`, so it works on every backend (webgpu included).
 * @example const { loss, accuracy } = await evaluateAsync(model, test, { loss: 'crossEntropy', metrics: ['accuracy'] });
 */
export async function evaluateAsync(model: Module, data: Data, options: EvaluateOptions): Promise<Logs> {
  const { dataset, lossFn, metrics, batchSize } = evaluateArguments('evaluate', data, options);
  return evaluateDataset(model, dataset, lossFn, metrics, batchSize, 'evaluate');
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
