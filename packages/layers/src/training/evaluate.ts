/** `evaluate`, `evaluateAsync` and `predict`: batched evaluation and inference in eval mode, without gradients. */
import { noGrad } from '@nn/autograd';
import { checkOptions, concat, type OptionKeys, StateError, Tensor, tidy, ValueError } from '@nn/tensor';
import { deferValueChecks, type ValueCheck } from '../losses/value-checks';
import type { Module } from '../module';
import { batchesOf, type PassData } from './batches';
import type { Logs } from './callbacks';
import { GuardedTotals } from './guarded-totals';
import { asPrediction, checkPositiveInt, type Data, toDataset } from './inputs';
import { checkMetrics, type LossFn, type LossName, type MetricName, metricSum, resolveLoss } from './metrics';

/** Options of `evaluate`: the loss, metrics and batch size. */
export interface EvaluateOptions {
  loss: LossFn | LossName;
  metrics?: readonly MetricName[];
  batchSize?: number;
}

/** Options of `predict`. */
export interface PredictOptions {
  batchSize?: number;
}

const EVALUATE_OPTIONS: OptionKeys<EvaluateOptions> = { loss: true, metrics: true, batchSize: true };
const PREDICT_OPTIONS: OptionKeys<PredictOptions> = { batchSize: true };

/** Where a batch is in an evaluation pass, for error messages: `evaluate: batch 3/4`. */
export type BatchLocator = (batch: number | undefined, batches: number) => string;

/** One evaluation pass: the model, the data and how to score it; `owner` and `locate` name it in errors. */
export interface EvaluationPass {
  model: Module;
  data: PassData;
  lossFn: LossFn;
  metrics: MetricName[];
  batchSize: number;
  owner: string;
  locate: BatchLocator;
}

/**
 * Runs the data through the model in eval mode without gradients; the sums stay on the device (caller disposes).
 * Value checks of the loss inputs ride on the totals (read when the caller reads them).
 */
function accumulate({ model, data, lossFn, metrics, batchSize, owner, locate }: EvaluationPass): GuardedTotals {
  const wasTraining = model.training;
  model.eval();
  const loader = batchesOf(data, { batchSize });
  const totals = new GuardedTotals(['loss', ...metrics], {
    describeBatch: (batch) => locate(batch, loader.length),
  });
  try {
    for (const { x, y } of loader) {
      const n = x.shape[0] ?? 1;
      const checks: ValueCheck[] = [];
      try {
        deferValueChecks(
          (check) => checks.push(check),
          () =>
            noGrad(() =>
              tidy(() => {
                const prediction = asPrediction(model.forward(x), owner);
                // The loss column takes the batch mean (weighted on the host).
                const sums = [lossFn(prediction, y), ...metrics.map((m) => metricSum(m, prediction, y))];
                totals.add(sums, n, checks.splice(0));
              }),
            ),
        );
      } finally {
        for (const check of checks) check.count.dispose();
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

/** Mean loss and metrics of a pass, read once with `await data()`. */
export async function evaluateDataset(pass: EvaluationPass): Promise<Logs> {
  const totals = accumulate(pass);
  try {
    return (await totals.read()).logs;
  } finally {
    totals.dispose();
  }
}

const evaluateLocator: BatchLocator = (batch, batches) =>
  batch === undefined ? 'evaluate' : `evaluate: batch ${batch + 1}/${batches}`;

function evaluatePass(model: Module, data: Data, options: EvaluateOptions): EvaluationPass {
  const owner = 'evaluate';
  if (options === null || typeof options !== 'object') {
    throw new ValueError(`${owner}: options { loss, metrics, batchSize } are required`);
  }
  checkOptions(owner, options, EVALUATE_OPTIONS);
  const lossFn = resolveLoss(options.loss, owner);
  const metrics = checkMetrics(options.metrics ?? [], owner);
  const batchSize = checkPositiveInt(owner, 'batchSize', options.batchSize ?? 32);
  return { model, data: toDataset(data, owner, 'data'), lossFn, metrics, batchSize, owner, locate: evaluateLocator };
}

/**
 * Mean loss and metrics over `data`, in eval mode without gradients. Synchronous: the sums are accumulated on
 * the device and read once at the end; on backends without synchronous reads (webgpu) use `evaluateAsync`.
 * @example const { loss, accuracy } = evaluate(model, test, { loss: 'crossEntropy', metrics: ['accuracy'] });
 */
export function evaluate(model: Module, data: Data, options: EvaluateOptions): Logs {
  const totals = accumulate(evaluatePass(model, data, options));
  try {
    return totals.readSync().logs;
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
  return evaluateDataset(evaluatePass(model, data, options));
}

/**
 * The model's outputs for `x` (first axis = samples), computed in batches in eval mode without gradients.
 * @example const logits = predict(model, images, { batchSize: 256 });
 */
export function predict(model: Module, x: Tensor, options: PredictOptions = {}): Tensor {
  checkOptions('predict', options, PREDICT_OPTIONS);
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
