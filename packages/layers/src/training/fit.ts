/** `fit`: the training loop (progress, callbacks, validation, exact resume, non-finite loss detection). */
import { noGrad } from '@nn/autograd';
import type { Transform } from '@nn/data';
import type { Optimizer } from '@nn/optim';
import { checkOptions, keep, type OptionKeys, type Tensor, tidy, ValueError } from '@nn/tensor';
import { deferValueChecks, type ValueCheck } from '../losses/value-checks';
import type { Module } from '../module';
import { batchesOf, type PassData } from './batches';
import type { Callback, History, Logs, TrainingContext } from './callbacks';
import { type BatchLocator, evaluateDataset } from './evaluate';
import { type GuardedReading, GuardedTotals } from './guarded-totals';
import { asPrediction, checkPositiveInt, type Data, splitValidation, toDataset } from './inputs';
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
import { type FitScheduler, scheduleDriver } from './scheduling';

/** Options of `fit`. */
export interface FitOptions {
  /** Total epochs; with `initialEpoch` the run covers epochs initialEpoch..epochs-1 (like Keras). */
  epochs: number;
  batchSize?: number;
  optimizer: Optimizer;
  loss: LossFn | LossName;
  metrics?: readonly MetricName[];
  validationData?: Data;
  /**
   * Hold out the last fraction of `trainData` (taken before shuffling, as Keras) for validation, e.g. 0.2;
   * not together with `validationData`.
   */
  validationSplit?: number;
  /** Seeds the shuffle: the order of epoch e depends only on (seed, e), which makes resuming exact. */
  seed?: number;
  shuffle?: boolean;
  /** Progress bar on a terminal, one line per epoch otherwise (default true). */
  verbose?: boolean;
  callbacks?: readonly Callback[];
  initialEpoch?: number;
  /** Stepped after every epoch, or `{ scheduler, interval: 'batch' }` after every batch (see SchedulerConfig). */
  scheduler?: FitScheduler;
  /** Applied to every training batch (augmentation, normalisation); validation data is left as it is. */
  transform?: Transform;
  /** Where progress is written (default process.stdout, or console.log without Node). */
  progressOutput?: ProgressOutput;
  /**
   * Stop with a ValueError naming the epoch and the first batch when the loss becomes NaN or Infinity (default
   * true, like Keras' TerminateOnNaN); false keeps training (the History and progress line then show NaN).
   */
  stopOnNonFinite?: boolean;
}

const FIT_OPTIONS: OptionKeys<FitOptions> = {
  epochs: true,
  batchSize: true,
  optimizer: true,
  loss: true,
  metrics: true,
  validationData: true,
  validationSplit: true,
  seed: true,
  shuffle: true,
  verbose: true,
  callbacks: true,
  initialEpoch: true,
  scheduler: true,
  transform: true,
  progressOutput: true,
  stopOnNonFinite: true,
};

/** The training and validation datasets: `validationData`, or the last `validationSplit` of the training data. */
function datasets(trainData: Data, options: FitOptions, owner: string) {
  const { validationData, validationSplit } = options;
  const all = toDataset(trainData, owner, 'trainData');
  if (validationSplit !== undefined && validationData !== undefined) {
    throw new ValueError(`${owner}: pass validationData or validationSplit, not both`);
  }
  if (validationSplit !== undefined) {
    const { train, validation } = splitValidation(all, validationSplit, owner);
    return { dataset: train, validation };
  }
  const validation = validationData === undefined ? undefined : toDataset(validationData, owner, 'validationData');
  return { dataset: all, validation };
}

/**
 * Trains `model` with `optimizer` on `trainData`; returns the per-epoch history.
 * @example const history = await fit(model, { x, y }, { epochs: 5, optimizer: new Adam(model.parameters()), loss: 'crossEntropy', metrics: ['accuracy'] });
 */
export async function fit(model: Module, trainData: Data, options: FitOptions): Promise<History> {
  const owner = 'fit';
  if (options === null || typeof options !== 'object') {
    throw new ValueError(`${owner}: options { epochs, optimizer, loss, ... } are required`);
  }
  checkOptions(owner, options, FIT_OPTIONS);
  const { optimizer, callbacks = [], seed = 0, shuffle = true, verbose = true } = options;
  const stopOnNonFinite = options.stopOnNonFinite ?? true;
  const epochs = checkPositiveInt(owner, 'epochs', options.epochs);
  const batchSize = checkPositiveInt(owner, 'batchSize', options.batchSize ?? 32);
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new ValueError(`${owner}: initialEpoch must be >= 0`);
  if (!optimizer || typeof optimizer.step !== 'function')
    throw new ValueError(`${owner}: options.optimizer is required`);
  const lossFn = resolveLoss(options.loss, owner);
  const metrics = checkMetrics(options.metrics ?? [], owner);
  const { dataset, validation } = datasets(trainData, options, owner);
  const schedule = scheduleDriver(options.scheduler, validation !== undefined, owner);
  const scheduler = schedule?.scheduler;
  const loader = batchesOf(dataset, { batchSize, shuffle, seed, transform: options.transform });
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
    const where = `${owner}: epoch ${epoch + 1}/${epochs}`;
    const describeBatch = (batch: number | undefined) =>
      batch === undefined ? where : `${where}, batch ${batch + 1}/${loader.length}`;
    // Loss and metric sums stay on the device; they are read when a number is needed: at the end of the
    // epoch, for the live progress line (at most every 200 ms), and every batch only if a callback has onBatchEnd.
    // A non-finite loss and failed input checks are found at those reads (guarded-totals.ts).
    const totals = new GuardedTotals(['loss', ...metrics], { watchLoss: true, describeBatch });
    /** Stops on a non-finite loss (after showing it on the progress line) unless told to keep going. */
    const stopIfNonFinite = (reading: GuardedReading): void => {
      if (reading.nonFinite === undefined || !stopOnNonFinite) return;
      progress.epochEnd(reading.logs);
      throw new ValueError(
        `${describeBatch(reading.nonFinite.batch)}: the loss became non-finite (running mean ${reading.logs.loss}); ` +
          'training stopped. Lower the learning rate or check the data; stopOnNonFinite: false keeps training',
      );
    };
    let logs: Logs;
    try {
      let running: Logs = {};
      let batchIndex = 0;
      for (const { x, y } of loader) {
        const n = x.shape[0] ?? 1;
        let stats: Tensor[] = [];
        let loss: Tensor | undefined;
        const checks: ValueCheck[] = [];
        try {
          loss = deferValueChecks(
            (check) => checks.push(check),
            () =>
              optimizer.step(() => {
                const prediction = asPrediction(model.forward(x), owner);
                const value = lossFn(prediction, y);
                // Kept past the optimizer's tidy (which frees everything but the loss); disposed below.
                for (const t of stats) t.dispose();
                stats = noGrad(() => tidy(() => metrics.map((m) => metricSum(m, prediction, y)))).map((t) => keep(t));
                return value;
              }),
          );
          totals.add([loss, ...stats], n, checks.splice(0)); // the loss column takes batch means
          schedule?.afterBatch();
        } finally {
          for (const t of [loss, ...stats, x, y, ...checks.map((c) => c.count)]) t?.dispose();
        }
        if (progress.logsDue() || batchCallbacks.length > 0) {
          const reading = await totals.read();
          stopIfNonFinite(reading);
          running = reading.logs;
        }
        progress.batchEnd(totals.samples, running);
        for (const cb of batchCallbacks) await cb.onBatchEnd?.(batchIndex, running, context);
        batchIndex++;
      }
      const reading = await totals.read();
      stopIfNonFinite(reading);
      logs = reading.logs;
    } finally {
      totals.dispose();
    }
    if (validation) {
      const valLogs = await validate(model, validation, lossFn, metrics, batchSize, where);
      for (const [k, v] of Object.entries(valLogs)) logs[validationKey(k)] = v;
    }
    history.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) {
      history[k] ??= [];
      history[k].push(v);
    }
    schedule?.afterEpoch(logs);
    progress.epochEnd(logs);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, context);
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(context);
  return history;
}

/** The validation pass after an epoch; errors name it (`fit: epoch 2/5, validation batch 1/3`). */
function validate(
  model: Module,
  data: PassData,
  lossFn: LossFn,
  metrics: MetricName[],
  batchSize: number,
  where: string,
): Promise<Logs> {
  const locate: BatchLocator = (batch, batches) =>
    batch === undefined ? `${where}, validation` : `${where}, validation batch ${batch + 1}/${batches}`;
  return evaluateDataset({ model, data, lossFn, metrics, batchSize, owner: 'fit', locate });
}
