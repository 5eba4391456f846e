/**
 * One benchmark run as a function: loads the libraries, builds every workload, runs them and returns the
 * results. `main.ts` is the command line around it; `quick.test.ts` runs it in CI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform, release } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './context';
import { runWorkload, type Workload, type WorkloadResult } from './harness';
import { brainLibrary } from './peers/brain';
import { convnetLibrary } from './peers/convnet';
import { loadNnBackends, nnLibrary } from './peers/nn';
import { loadTfBackends, tfLibrary, tfThreads } from './peers/tfjs';
import { closeTorchPeers, loadTorchPeers, torchLibrary } from './peers/torch';
import { type Environment, markdownReport, type Ratio, ratioChart, ratios } from './report';
import { charGptWorkloads } from './workloads/char-gpt';
import { convWorkloads } from './workloads/conv';
import { inferenceWorkloads } from './workloads/inference';
import { matmulWorkloads } from './workloads/matmul';
import { trainingWorkloads } from './workloads/training';

export interface BenchOptions {
  quick: boolean;
  /** Run only the workloads whose id contains this text. */
  only?: string | null;
  /** Repetitions of the kernel workloads (training epochs are always timed once). */
  reps?: number | null;
  log?: (line: string) => void;
  /** Add PyTorch peers (torch:1t, torch:2t) when torch is importable: default on for full runs, off for --quick. */
  torch?: boolean;
}

export interface BenchReport {
  env: Environment;
  results: WorkloadResult[];
  ratios: Ratio[];
  /** 'workload library: status: reason' for every cell that failed or disagrees. */
  broken: string[];
}

/** Seconds a training cell may take at most; slower libraries train a partial epoch (and say so). */
export function trainBudgetSeconds(quick: boolean): number {
  return quick ? 2 : 90;
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const log = options.log ?? (() => undefined);
  const cores = availableParallelism();
  log('Loading libraries...');
  const nn = await loadNnBackends(log);
  const tfjs = await loadTfBackends(log, cores);
  const torch = (options.torch ?? !options.quick) ? await loadTorchPeers(log, [1, cores], !options.quick) : [];
  const ctx: BenchContext = {
    quick: options.quick,
    nn,
    tfjs,
    libraries: [...nn.map(nnLibrary), ...tfjs.map(tfLibrary), convnetLibrary, brainLibrary, ...torch.map(torchLibrary)],
    trainBudgetSeconds: trainBudgetSeconds(options.quick),
    log,
  };
  const threads: Record<string, number> = {};
  for (const backend of nn) threads[backend.label] = backend.threads;
  for (const backend of tfjs) threads[backend.label] = tfThreads(backend.name);
  threads.convnetjs = 1;
  threads['brain.js'] = 1;
  for (const peer of torch) threads[peer.label] = peer.threads;
  const env: Environment = {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores,
    node: process.version,
    platform: `${platform()} ${release()}`,
    threads,
    quick: options.quick,
    load: { start: loadavg()[0]! },
  };
  log(`${env.cpu}, ${env.cores} cores, Node ${env.node}; @nn backends: ${nn.map((b) => b.label).join(', ')}`);

  const only = options.only ?? null;
  const workloads: Workload[] = [
    ...matmulWorkloads(ctx),
    ...convWorkloads(ctx),
    ...trainingWorkloads(ctx),
    ...charGptWorkloads(ctx, torch),
    ...inferenceWorkloads(ctx),
  ].filter((w) => only === null || w.id.includes(only));
  const timing = {
    warmup: options.quick ? 1 : 2,
    repetitions: options.reps ?? (options.quick ? 2 : 7),
    maxSecondsPerCell: options.quick ? 5 : 20,
    log,
  };
  const results: WorkloadResult[] = [];
  try {
    for (const workload of workloads) {
      log(workload.title);
      results.push(await runWorkload(workload, timing));
    }
  } finally {
    closeTorchPeers(torch);
  }
  env.load = { start: env.load!.start, end: loadavg()[0]! };
  const broken = results.flatMap((r) =>
    r.cells
      .filter((c) => c.status === 'failed' || c.status === 'disagrees')
      .map((c) => `${r.id} ${c.library}: ${c.status}: ${c.reason}`),
  );
  return { env, results, ratios: ratios(results), broken };
}

/** Writes <date>.json, latest.md and ratios.svg into `dir`; returns the path of latest.md. */
export function writeReport(dir: string, report: BenchReport): string {
  mkdirSync(dir, { recursive: true });
  const stamp = report.env.date.slice(0, 19).replaceAll(':', '-');
  const { env, results, ratios: rs } = report;
  writeFileSync(join(dir, `${stamp}.json`), `${JSON.stringify({ env, results, ratios: rs }, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), markdownReport(env, results));
  writeFileSync(join(dir, 'ratios.svg'), ratioChart(rs));
  return join(dir, 'latest.md');
}
