/**
 * `pnpm bench [--quick] [--only <text>] [--reps <n>]`: runs every workload on every @nn backend present and on
 * the peer libraries, prints a table, and writes results/<date>.json, results/latest.md and results/ratios.svg.
 * `--quick` runs tiny sizes (for CI: it checks that every cell ran and that results agree, never speed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from './context';
import { runWorkload, type Workload, type WorkloadResult } from './harness';
import { loadNnBackends } from './peers/nn';
import { loadTfBackends } from './peers/tfjs';
import { type Environment, markdownReport, ratioChart, ratios, terminalTable } from './report';
import { convWorkloads } from './workloads/conv';
import { matmulWorkloads } from './workloads/matmul';

interface Args {
  quick: boolean;
  only: string | null;
  reps: number | null;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, only: null, reps: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--only') args.only = argv[++i] ?? null;
    else if (arg === '--reps') args.reps = Number(argv[++i]);
    else if (arg === '--') continue;
    else throw new Error(`bench: unknown argument '${arg}' (use --quick, --only <text>, --reps <n>)`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => console.log(line);
  const threads = availableParallelism();
  log('Loading libraries...');
  const ctx: BenchContext = {
    quick: args.quick,
    nn: await loadNnBackends(log),
    tfjs: await loadTfBackends(log, threads),
    log,
  };
  const env: Environment = {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: threads,
    node: process.version,
    platform: `${platform()} ${release()}`,
    threads: { 'nn:cpu': 1, 'tfjs:cpu': 1, 'tfjs:wasm': threads },
    quick: args.quick,
  };
  log(`${env.cpu}, ${env.cores} cores, Node ${env.node}; @nn backends: ${ctx.nn.map((b) => b.name).join(', ')}`);

  const workloads: Workload[] = [...matmulWorkloads(ctx), ...convWorkloads(ctx)].filter(
    (w) => args.only === null || w.id.includes(args.only),
  );
  const timing = {
    warmup: args.quick ? 1 : 2,
    repetitions: args.reps ?? (args.quick ? 2 : 7),
    maxSecondsPerCell: args.quick ? 5 : 20,
    log,
  };
  const results: WorkloadResult[] = [];
  for (const workload of workloads) {
    log(`${workload.title}`);
    results.push(await runWorkload(workload, timing));
  }

  log(`\n${terminalTable(results)}\n`);
  const rs = ratios(results);
  for (const r of rs) log(`${r.workload}: ${r.nnBest} is ${r.ratio.toFixed(2)}x ${r.peer}`);

  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', args.quick ? 'quick' : '');
  mkdirSync(outDir, { recursive: true });
  const stamp = env.date.slice(0, 19).replaceAll(':', '-');
  writeFileSync(join(outDir, `${stamp}.json`), `${JSON.stringify({ env, results, ratios: rs }, null, 2)}\n`);
  writeFileSync(join(outDir, 'latest.md'), markdownReport(env, results));
  writeFileSync(join(outDir, 'ratios.svg'), ratioChart(rs));
  log(`\nWrote ${join(outDir, 'latest.md')}`);

  const broken = results.flatMap((r) =>
    r.cells
      .filter((c) => c.status === 'failed' || c.status === 'disagrees')
      .map((c) => `${r.id} ${c.library}: ${c.status}: ${c.reason}`),
  );
  if (broken.length) {
    console.error(`\n${broken.length} cell(s) failed or disagree:\n${broken.join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
