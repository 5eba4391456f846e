/**
 * LeNet-5 inference: latency at batch 1 (ms, lower is better) and throughput at batch 256 (samples/s). Every
 * library holds the exact same weights (converted to its layout), so the logits must agree; each timed run
 * uploads the input images and reads the logits back.
 */
import type { BenchContext } from '../context';
import type { CellFactory, PreparedCell, Workload } from '../harness';
import { initialWeights, mnistSlices } from '../models';
import type { Library } from '../peers/library';

async function inferenceCell(library: Library, batch: number): Promise<PreparedCell> {
  const { test } = await mnistSlices(0, batch);
  const model = await library.createModel('lenet', initialWeights('lenet', 1), test);
  let logits: Float32Array | null = null;
  let fallback: string | undefined;
  return {
    beforeRun: () => library.prepare?.(),
    run: async () => {
      library.fallback?.reset();
      logits = await model.predict(test.images, 0, batch);
      fallback = library.fallback?.read();
    },
    output: () => {
      if (!logits) throw new Error('inference: no logits (run did not complete)');
      return logits;
    },
    facts: () => {
      const facts: Record<string, string> = {};
      if (fallback !== undefined) facts.fallback = fallback;
      const note = library.note?.('lenet', 'infer');
      if (note) facts.note = note;
      return facts;
    },
    dispose: () => model.dispose(),
  };
}

export function inferenceWorkloads(ctx: BenchContext): Workload[] {
  const throughputBatch = ctx.quick ? 32 : 256;
  const cellsFor = (batch: number): Record<string, CellFactory> => {
    const cells: Record<string, CellFactory> = {};
    for (const library of ctx.libraries) {
      const reason = library.unavailable('lenet', 'infer');
      cells[library.label] = reason ? { unavailable: reason } : () => inferenceCell(library, batch);
    }
    return cells;
  };
  return [
    {
      id: 'infer-lenet-b1',
      title: 'LeNet-5 inference latency, batch 1',
      unit: 'ms',
      workPerRun: 1,
      lowerIsBetter: true,
      tolerance: 1e-3,
      // Single samples are quick and noisy: more warm-up and more repetitions than the kernels.
      warmup: ctx.quick ? 3 : 20,
      repetitions: ctx.quick ? 7 : 51,
      cells: cellsFor(1),
    },
    {
      id: `infer-lenet-b${throughputBatch}`,
      title: `LeNet-5 inference throughput, batch ${throughputBatch}`,
      unit: 'samples/s',
      workPerRun: throughputBatch,
      tolerance: 1e-3,
      cells: cellsFor(throughputBatch),
    },
  ];
}
