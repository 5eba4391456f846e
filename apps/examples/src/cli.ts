/**
 * Runs one example: `pnpm --filter @nn/examples run example <name> [--backend cpu|wasm|gpu] [--quick] [--out DIR]
 * [--set key=value ...]`. The full configuration writes its pictures and `result.json` (measured values, time, load
 * average) into the example's folder; `--quick` runs the small CI configuration and writes into a temporary folder
 * instead; `--set` changes one number of the configuration (then a temporary folder too, unless `--out` is given).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { manualSeed } from '@nn/tensor';
import { EXAMPLES } from './examples';
import { useBackend } from './shared/backend';

const srcDir = dirname(fileURLToPath(import.meta.url));

function usage(): string {
  const names = Object.values(EXAMPLES).map((e) => `  ${e.name.padEnd(14)} ${e.title}`);
  return [
    'usage: pnpm --filter @nn/examples run example <name> [--backend cpu|wasm|gpu] [--quick] [--out DIR] [--seed N]',
    '       [--set key=value ...]  (change one number of the configuration, e.g. --set epochs=1)',
    '',
    ...names,
  ].join('\n');
}

/** The configuration with `key=value` settings applied; a key it does not have or a non-number is an error. */
export function withSettings<C extends object>(config: C, settings: readonly string[]): C {
  const out: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const setting of settings) {
    const [key = '', value = ''] = setting.split('=', 2);
    if (!(key in out)) throw new Error(`--set ${setting}: no setting '${key}' (has: ${Object.keys(out).join(', ')})`);
    const number = Number(value);
    if (value === '' || !Number.isFinite(number)) throw new Error(`--set ${setting}: '${value}' is not a number`);
    out[key] = number;
  }
  return out as C;
}

/** Parses the arguments, runs the example and writes `result.json` next to its pictures. */
export async function main(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    allowPositionals: true,
    options: {
      backend: { type: 'string', default: 'wasm' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      seed: { type: 'string', default: '0' },
      set: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false },
    },
  });
  const name = positionals[0];
  const example = name === undefined ? undefined : EXAMPLES[name];
  if (values.help || example === undefined) {
    if (name !== undefined && !values.help) throw new Error(`unknown example '${name}'\n${usage()}`);
    console.log(usage());
    return;
  }
  const backend = await useBackend(values.backend);
  manualSeed(Number(values.seed));
  const config = withSettings(values.quick ? example.quick : example.full, values.set);
  const standard = !values.quick && values.set.length === 0;
  const out = resolve(
    values.out ?? (standard ? join(srcDir, example.name) : await mkdtemp(join(tmpdir(), `nn-${example.name}-`))),
  );
  console.log(`${example.name}: ${example.title}`);
  console.log(`backend ${backend}, configuration ${JSON.stringify(config)}`);
  const load = loadavg()[0]!;
  const started = performance.now();
  const result = await example.run(config, { out, log: (line) => console.log(line) });
  const seconds = (performance.now() - started) / 1e3;
  const summary = {
    example: example.name,
    configuration: `${values.quick ? 'quick' : 'full'}${values.set.length > 0 ? ` with ${values.set.join(', ')}` : ''}`,
    config,
    backend,
    seconds: Number(seconds.toFixed(1)),
    loadAverageAtStart: Number(load.toFixed(2)),
    loadAverageAtEnd: Number(loadavg()[0]!.toFixed(2)),
    date: new Date().toISOString(),
    ...result,
  };
  await writeFile(join(out, 'result.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    `done in ${seconds.toFixed(1)} s (load average ${summary.loadAverageAtStart} -> ${summary.loadAverageAtEnd}); ` +
      `loss ${result.lossStart.toPrecision(4)} -> ${result.lossEnd.toPrecision(4)}; ${JSON.stringify(result.metrics)}`,
  );
  console.log(`pictures and result.json in ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? `error: ${error.message}` : error);
    process.exit(1);
  });
}
