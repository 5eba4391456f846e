/** What every example is: a name, a full and a quick (CI) configuration, and a run that reports what it learned. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a run writes its pictures and how it talks. `out` null: write nothing (quick runs in tests may pass a dir). */
export interface RunContext {
  out: string | null;
  log: (line: string) => void;
}

/** What a run measured. `lossStart`/`lossEnd` show that it learned; `metrics` hold the example's quality check. */
export interface ExampleResult {
  lossStart: number;
  lossEnd: number;
  metrics: Record<string, number>;
  /** File names written into `out`. */
  pictures: string[];
}

export interface Example<Config> {
  name: string;
  /** One line: what the example shows. */
  title: string;
  /** The configuration the README's numbers come from. */
  full: Config;
  /** A small configuration that runs in seconds (the CI test). */
  quick: Config;
  run(config: Config, context: RunContext): Promise<ExampleResult>;
}

/** Writes a picture into the run's output folder (if it has one) and returns its file name. */
export async function writePicture(
  context: RunContext,
  name: string,
  contents: string | Uint8Array,
): Promise<string | null> {
  if (context.out === null) return null;
  await mkdir(context.out, { recursive: true });
  await writeFile(join(context.out, name), contents);
  return name;
}

/** The pictures a run wrote, without the nulls of a run that writes nothing. */
export function written(...names: (string | null)[]): string[] {
  return names.filter((n): n is string => n !== null);
}

/** Formats a fraction as a percentage with two decimals. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}
