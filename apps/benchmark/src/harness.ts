/**
 * The timing core. Every cell (one library on one workload) is warmed up, checked against the reference
 * cell for agreement, then timed in repetitions interleaved across libraries, so that a slow phase of the
 * machine hurts every library alike. Each timed run includes reading the result back.
 */

/** A prepared cell: inputs allocated, ready to run many times. */
export interface PreparedCell {
  /** One unit of work, including reading its result back to JS. */
  run(): Promise<void> | void;
  /** Untimed set-up before every run (e.g. switching backend or thread count and waiting for its workers). */
  beforeRun?(): Promise<void> | void;
  /** The result of one run, flat, for the agreement check (optional for training cells). */
  output?(): Promise<Float32Array | number[]> | Float32Array | number[];
  /** Extra facts to show beside the timing (e.g. accuracy after an epoch). */
  facts?(): Promise<Record<string, number | string>> | Record<string, number | string>;
  dispose?(): Promise<void> | void;
  /**
   * Work per run for this cell when it differs from the workload's (a slow peer on a sample budget trains a
   * partial epoch); the cell's facts must then say so.
   */
  workPerRun?: number;
}

/**
 * What a cell's factory may return instead of a prepared cell: it could run, but its probe showed it too slow for
 * the row's budget (a reference backend on a Transformer), so it is not timed; the reason says what was measured.
 */
export interface SkippedCell {
  skipped: string;
}

/** A library's way of doing a workload, or the reason it cannot. */
export type CellFactory = (() => Promise<PreparedCell | SkippedCell>) | { unavailable: string };

export interface Workload {
  id: string;
  title: string;
  /** What the value column means: 'GFLOP/s', 'samples/s', 'ms'. */
  unit: string;
  /** Work per run in the unit's numerator (FLOPs, samples); for 'ms' this is unused. */
  workPerRun: number;
  /** For 'ms' rows lower is better; for rates higher is. */
  lowerIsBetter?: boolean;
  /** Relative+absolute tolerance of the agreement check. */
  tolerance?: number;
  cells: Record<string, CellFactory>;
  /** Warm-up runs before the agreement check (default: the run's option); training cells warm up on a copy: 0. */
  warmup?: number;
  /** Timed runs per cell (default: the run's option); a training epoch is timed once. */
  repetitions?: number;
}

export interface CellResult {
  library: string;
  status: 'ok' | 'unavailable' | 'skipped' | 'failed' | 'disagrees';
  reason?: string;
  /** Seconds per run over the repetitions. */
  times?: number[];
  median?: number;
  min?: number;
  max?: number;
  /** The cell's own work per run, when it differs from the workload's (partial epoch). */
  workPerRun?: number;
  facts?: Record<string, number | string>;
}

export interface WorkloadResult {
  id: string;
  title: string;
  unit: string;
  workPerRun: number;
  lowerIsBetter: boolean;
  cells: CellResult[];
}

export interface TimingOptions {
  warmup: number;
  repetitions: number;
  /**
   * Stop repeating a cell once it has used this many seconds (slow peers), after at least 1 run; warm-up
   * likewise stops after one run that took longer than this.
   */
  maxSecondsPerCell: number;
  log?: (line: string) => void;
}

/** Converts a time per run into the workload's unit (a rate, or milliseconds). */
export function unitValue(workload: Pick<Workload, 'unit' | 'workPerRun'>, seconds: number): number {
  if (workload.unit === 'ms') return seconds * 1e3;
  if (workload.unit === 'GFLOP/s') return workload.workPerRun / seconds / 1e9;
  return workload.workPerRun / seconds;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Largest |a-b| / (1 + |b|) over the elements, or Infinity on a length mismatch. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const error = Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!));
    if (!(error <= worst)) worst = Number.isNaN(error) ? Number.POSITIVE_INFINITY : error;
  }
  return worst;
}

const now = () => performance.now() / 1e3;

export async function runWorkload(workload: Workload, options: TimingOptions): Promise<WorkloadResult> {
  const log = options.log ?? (() => undefined);
  const results = new Map<string, CellResult>();
  const prepared = new Map<string, PreparedCell>();
  let reference: { library: string; values: ArrayLike<number> } | null = null;

  for (const [library, factory] of Object.entries(workload.cells)) {
    if (typeof factory !== 'function') {
      results.set(library, { library, status: 'unavailable', reason: factory.unavailable });
      continue;
    }
    try {
      const cell = await factory();
      if ('skipped' in cell) {
        results.set(library, { library, status: 'skipped', reason: cell.skipped });
        continue;
      }
      const warmupStart = now();
      for (let i = 0; i < (workload.warmup ?? options.warmup); i++) {
        await cell.beforeRun?.();
        await cell.run();
        if (now() - warmupStart > options.maxSecondsPerCell) break;
      }
      if (cell.output) {
        const values = await cell.output();
        if (!reference) reference = { library, values };
        else {
          const error = maxRelativeError(values, reference.values);
          if (error > (workload.tolerance ?? 1e-3)) {
            results.set(library, {
              library,
              status: 'disagrees',
              reason: `max relative error ${error.toExponential(2)} against ${reference.library}`,
            });
            await cell.dispose?.();
            continue;
          }
        }
      }
      prepared.set(library, cell);
      const result: CellResult = { library, status: 'ok', times: [] };
      if (cell.workPerRun !== undefined) result.workPerRun = cell.workPerRun;
      results.set(library, result);
    } catch (error) {
      results.set(library, {
        library,
        status: 'failed',
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  const spent = new Map<string, number>();
  for (let rep = 0; rep < (workload.repetitions ?? options.repetitions); rep++) {
    for (const [library, cell] of prepared) {
      if ((spent.get(library) ?? 0) > options.maxSecondsPerCell && rep > 0) continue;
      let start = now();
      try {
        await cell.beforeRun?.();
        start = now();
        await cell.run();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        results.set(library, { library, status: 'failed', reason: `timed run ${rep + 1}: ${message}` });
        prepared.delete(library);
        await cell.dispose?.();
        continue;
      }
      const seconds = now() - start;
      spent.set(library, (spent.get(library) ?? 0) + seconds);
      results.get(library)!.times!.push(seconds);
    }
  }

  for (const [library, cell] of prepared) {
    const result = results.get(library)!;
    const times = result.times!;
    result.median = median(times);
    result.min = Math.min(...times);
    result.max = Math.max(...times);
    try {
      if (cell.facts) result.facts = await cell.facts();
    } catch (error) {
      result.status = 'failed';
      result.reason = `after timing: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      await cell.dispose?.();
    }
    const work = { unit: workload.unit, workPerRun: result.workPerRun ?? workload.workPerRun };
    log(`  ${workload.id} ${library}: ${unitValue(work, result.median).toFixed(2)} ${workload.unit} ${result.status}`);
  }
  return {
    id: workload.id,
    title: workload.title,
    unit: workload.unit,
    workPerRun: workload.workPerRun,
    lowerIsBetter: workload.lowerIsBetter ?? workload.unit === 'ms',
    cells: [...results.values()],
  };
}
