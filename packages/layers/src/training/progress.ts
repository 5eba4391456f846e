/**
 * Training progress: on a terminal, one live line (bar, samples/s, ETA, running metrics) redrawn at most
 * ten times a second, with running metrics refreshed at most every 200 ms (see `logsDue`); otherwise one plain
 * line per epoch. Works without `process` (browsers: console.log).
 */

/** Where progress goes: a stream-like object (process.stdout by default). */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

function defaultOutput(): ProgressOutput {
  const stdout = (globalThis as { process?: { stdout?: ProgressOutput } }).process?.stdout;
  if (stdout && typeof stdout.write === 'function') return stdout;
  return { write: (text: string) => console.log(text.replace(/\n$/, '')), isTTY: false };
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60
    ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatLogs(logs: Record<string, number>): string {
  return Object.entries(logs)
    .map(
      ([k, v]) => `${k} ${Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4)}`,
    )
    .join(' - ');
}

/** The progress line `fit` prints: a bar while the terminal is live, one line per epoch otherwise. */
export class ProgressBar {
  private readonly out: ProgressOutput;
  private readonly live: boolean;
  private epochStart = 0;
  private lastDraw = 0;
  private lastLogs = 0;
  private epoch = 0;

  constructor(
    private readonly enabled: boolean,
    private readonly epochs: number,
    private readonly samplesPerEpoch: number,
    output?: ProgressOutput,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.out = output ?? defaultOutput();
    this.live = enabled && this.out.isTTY === true;
  }

  epochBegin(epoch: number): void {
    this.epoch = epoch;
    this.epochStart = this.now();
    this.lastDraw = Number.NEGATIVE_INFINITY;
    this.lastLogs = Number.NEGATIVE_INFINITY;
  }

  /**
   * Whether the live line wants fresh running metrics now (reading them waits for the device): on a terminal,
   * at the first batch of an epoch and then at most every 200 ms; never otherwise. Counts as a read when true.
   */
  logsDue(): boolean {
    if (!this.live) return false;
    const t = this.now();
    if (t - this.lastLogs < 200) return false;
    this.lastLogs = t;
    return true;
  }

  /** Redraws the live line (throttled to ~10 per second; always draws the last batch). */
  batchEnd(samplesDone: number, running: Record<string, number>): void {
    if (!this.live) return;
    const t = this.now();
    if (samplesDone < this.samplesPerEpoch && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    const elapsed = (t - this.epochStart) / 1000;
    const rate = samplesDone / Math.max(elapsed, 1e-9);
    const eta = (this.samplesPerEpoch - samplesDone) / rate;
    const width = 20;
    const filled = Math.min(width, Math.floor((samplesDone / Math.max(this.samplesPerEpoch, 1)) * width));
    const bar = `${'='.repeat(filled)}${filled < width ? '>' : ''}${' '.repeat(Math.max(0, width - filled - 1))}`;
    let line =
      `Epoch ${this.epoch + 1}/${this.epochs} [${bar}] ${samplesDone}/${this.samplesPerEpoch} ` +
      `${Math.round(rate)} samples/s ETA ${formatSeconds(eta)} - ${formatLogs(running)}`;
    const columns = this.out.columns ?? 120;
    if (line.length >= columns) line = line.slice(0, columns - 1);
    this.out.write(`\r${line}\x1b[K`);
  }

  /** The epoch summary: replaces the live line on a terminal, one plain line otherwise. */
  epochEnd(logs: Record<string, number>): void {
    if (!this.enabled) return;
    const seconds = (this.now() - this.epochStart) / 1000;
    const line = `Epoch ${this.epoch + 1}/${this.epochs} - ${formatSeconds(seconds)} - ${formatLogs(logs)}`;
    this.out.write(this.live ? `\r${line}\x1b[K\n` : `${line}\n`);
  }
}
