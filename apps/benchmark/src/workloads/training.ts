/**
 * Training throughput (samples/s) of the MLP 784-128-10 and LeNet-5 on MNIST: batch 64, Adam(1e-3, 0.9, 0.999,
 * 1e-8), softmax cross-entropy, one epoch over the first `epoch` training images in file order, every library
 * starting from the same initial weights. Then test accuracy, to show the work was equal.
 *
 * Two rows per model: `train-<model>` times the way users train (`fit` for @nn, PyTorch's loop in its own
 * process; peers without either run their batch loop), `train-<model>-loop` times @nn's manual `opt.step` loop,
 * so the cost of `fit` itself is the ratio of the two @nn rows.
 *
 * A training cell is timed once (one epoch, no repetitions). Before it, a probe on a throwaway copy of the
 * model warms the library up, measures its first loss (before any update: it must agree across libraries, as
 * the weights and data are the same) and estimates the time per batch. The warm-up trains for a few seconds
 * (`WARMUP_SECONDS`, every library alike): V8 optimises a JavaScript step's code over its first ~150 steps, and
 * before that a LeNet step runs 1.5-2x slower, which would otherwise be most of a 157-step epoch. A library that would need more than
 * the sample budget's seconds trains only the batches that fit, and its cell says so (accuracy n/a).
 */
import type { BenchContext } from '../context';
import type { CellFactory, PreparedCell, Workload } from '../harness';
import { accuracy, initialWeights, MODEL_TITLE, type ModelKind, mnistSlices, type Split } from '../models';
import type { Library, LibraryModel } from '../peers/library';

export const BATCH_SIZE = 64;
const PREDICT_CHUNK = 256;

/** Samples per epoch: the full run's sizes, or the quick run's. */
export function epochSamples(kind: ModelKind, quick: boolean): number {
  if (quick) return 640;
  return kind === 'mlp' ? 60_000 : 10_000;
}

export function testSamples(quick: boolean): number {
  return quick ? 200 : 10_000;
}

const seconds = () => performance.now() / 1e3;

/** Seconds the probe trains its throwaway copy before the timed epoch (full runs; at most a quarter of the budget). */
export const WARMUP_SECONDS = 3;
const grouped = (n: number) => n.toLocaleString('en-US');

/** Logits of every sample of `split`, predicted in chunks. */
export async function predictAll(model: LibraryModel, split: Split): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for (let start = 0; start < split.count; start += PREDICT_CHUNK) {
    parts.push(await model.predict(split.images, start, Math.min(PREDICT_CHUNK, split.count - start)));
  }
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

interface Plan {
  /** Samples the timed run trains on (the epoch, or what the budget allows). */
  samples: number;
  /** Loss of the first batch, before any update. */
  initialLoss: number;
}

/** Warms the library up on a throwaway model and decides how many samples fit in the budget. */
async function probe(
  library: Library,
  kind: ModelKind,
  train: Split,
  epoch: number,
  budgetSeconds: number,
  mode: Mode,
  warmupSeconds: number,
): Promise<Plan> {
  const model = await library.createModel(kind, initialWeights(kind), train);
  try {
    let start = seconds();
    const initialLoss = await model.trainBatch(0, Math.min(BATCH_SIZE, epoch));
    let perBatch = seconds() - start;
    // The first batch pays for compilation; a second one gives the steady speed, when it is affordable.
    if (perBatch < budgetSeconds / 4 && epoch > BATCH_SIZE) {
      start = seconds();
      await model.trainBatch(BATCH_SIZE, Math.min(BATCH_SIZE, epoch - BATCH_SIZE));
      perBatch = seconds() - start;
    }
    // Then the path the cell times trains until the JIT has settled (untimed, on this throwaway copy).
    const warmUntil = seconds() + Math.min(warmupSeconds, budgetSeconds / 4);
    if (mode === 'fit' && model.trainEpoch && epoch > 2 * BATCH_SIZE) {
      do await model.trainEpoch(2 * BATCH_SIZE, BATCH_SIZE);
      while (seconds() < warmUntil);
    } else {
      for (let start = 0; seconds() < warmUntil; start = (start + BATCH_SIZE) % epoch) {
        await model.trainBatch(start, Math.min(BATCH_SIZE, epoch - start));
      }
    }
    const batches = Math.ceil(epoch / BATCH_SIZE);
    const affordable = Math.max(1, Math.floor(budgetSeconds / perBatch));
    return { samples: Math.min(epoch, Math.min(batches, affordable) * BATCH_SIZE), initialLoss };
  } finally {
    model.dispose();
  }
}

/** 'fit': the library's user-facing epoch (trainEpoch) when it has one; 'loop': its per-batch steps. */
type Mode = 'fit' | 'loop';

async function trainingCell(
  library: Library,
  kind: ModelKind,
  epoch: number,
  mode: Mode,
  ctx: BenchContext,
): Promise<PreparedCell> {
  const data = await mnistSlices(epoch, testSamples(ctx.quick));
  await library.prepare?.();
  const warmup = ctx.quick ? 0 : WARMUP_SECONDS;
  const plan = await probe(library, kind, data.train, epoch, ctx.trainBudgetSeconds, mode, warmup);
  const model = await library.createModel(kind, initialWeights(kind), data.train);
  let lastLoss = Number.NaN;
  const byEpoch = mode === 'fit' && model.trainEpoch !== undefined;
  let fallback: string | undefined;
  const partial = plan.samples < epoch;
  const cell: PreparedCell = {
    beforeRun: () => library.prepare?.(),
    run: async () => {
      library.fallback?.reset();
      if (byEpoch) lastLoss = await model.trainEpoch!(plan.samples, BATCH_SIZE);
      else
        for (let start = 0; start < plan.samples; start += BATCH_SIZE) {
          lastLoss = await model.trainBatch(start, Math.min(BATCH_SIZE, plan.samples - start));
        }
      fallback = library.fallback?.read();
      if (!Number.isFinite(lastLoss)) throw new Error(`training diverged: last batch loss ${lastLoss}`);
    },
    facts: async () => {
      const facts: Record<string, string> = {};
      if (partial) {
        facts.epoch = `partial epoch: ${grouped(plan.samples)} of ${grouped(epoch)} samples (${ctx.trainBudgetSeconds} s budget)`;
        facts.accuracy = 'n/a';
      } else {
        const logits = await predictAll(model, data.test);
        facts.accuracy = `${(accuracy(logits, data.test.labels) * 100).toFixed(1)}%`;
      }
      facts['initial loss'] = plan.initialLoss.toFixed(4);
      facts[byEpoch ? 'epoch mean loss' : 'last loss'] = lastLoss.toFixed(4);
      if (fallback !== undefined) facts.fallback = fallback;
      const note = library.note?.(kind, 'train');
      if (note) facts.note = note;
      return facts;
    },
    dispose: () => model.dispose(),
  };
  // The initial loss is the agreement check: same weights and data must give the same loss.
  if (library.crossEntropyLoss) cell.output = () => [plan.initialLoss];
  if (partial) cell.workPerRun = plan.samples;
  return cell;
}

const MODE_TITLE: Record<Mode, string> = {
  fit: '@nn through fit(), peers their own loop',
  loop: "@nn's manual opt.step loop",
};

export function trainingWorkloads(ctx: BenchContext): Workload[] {
  return (['mlp', 'lenet'] as const).flatMap((kind) =>
    (['fit', 'loop'] as const).map((mode) => {
      const epoch = epochSamples(kind, ctx.quick);
      const cells: Record<string, CellFactory> = {};
      for (const library of ctx.libraries) {
        // The loop row is for @nn's own comparison; peers train the same way in both rows, once is enough.
        const reason =
          mode === 'loop' && !library.label.startsWith('nn:')
            ? 'same loop as the fit() row'
            : library.unavailable(kind, 'train');
        cells[library.label] = reason ? { unavailable: reason } : () => trainingCell(library, kind, epoch, mode, ctx);
      }
      return {
        id: mode === 'fit' ? `train-${kind}` : `train-${kind}-loop`,
        title: `${MODEL_TITLE[kind]} training (${MODE_TITLE[mode]}), 1 epoch = first ${grouped(epoch)} MNIST images, batch ${BATCH_SIZE}, Adam; accuracy on ${grouped(testSamples(ctx.quick))} test images`,
        unit: 'samples/s',
        workPerRun: epoch,
        // Initial losses are float32 sums of the same terms in different orders.
        tolerance: 1e-4,
        warmup: 0,
        repetitions: 1,
        cells,
      };
    }),
  );
}
