/**
 * `pnpm bench [--quick] [--only <text>] [--reps <n>] [--torch | --no-torch]`: runs every workload on every @nn
 * backend present and on the peer libraries (PyTorch too when `/usr/bin/python3` has torch; off in --quick unless
 * --torch), prints a table, and writes results/<date>.json, results/latest.md and results/ratios.svg.
 * `--quick` runs tiny sizes (for CI: it checks that every cell ran and that results agree, never speed) and
 * writes to results/quick/. Exits non-zero only when a cell failed or disagrees.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench, writeReport } from './bench';
import { terminalTable } from './report';

interface Args {
  quick: boolean;
  only: string | null;
  reps: number | null;
  torch: boolean | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, only: null, reps: null, torch: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--only') args.only = argv[++i] ?? null;
    else if (arg === '--reps') args.reps = Number(argv[++i]);
    else if (arg === '--torch') args.torch = true;
    else if (arg === '--no-torch') args.torch = false;
    else if (arg === '--') continue;
    else
      throw new Error(`bench: unknown argument '${arg}' (use --quick, --only <text>, --reps <n>, --torch, --no-torch)`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => console.log(line);
  const report = await runBench({ ...args, log });
  log(`\n${terminalTable(report.results)}\n`);
  for (const r of report.ratios) log(`${r.workload}: ${r.nnBest} is ${r.ratio.toFixed(2)}x ${r.peer}`);
  const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', args.quick ? 'quick' : '');
  log(`\nWrote ${writeReport(outDir, report)}`);
  if (report.broken.length) {
    console.error(`\n${report.broken.length} cell(s) failed or disagree:\n${report.broken.join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
