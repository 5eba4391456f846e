/** Turning results into the terminal table, results/<date>.json, results/latest.md and an SVG of the ratios. */
import { type CellResult, unitValue, type WorkloadResult } from './harness';

export interface Environment {
  date: string;
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  threads: Record<string, number | string>;
  quick: boolean;
  /** 1-minute load average when the run started and ended (the machine may be shared). */
  load?: { start: number; end?: number };
}

export interface Ratio {
  workload: string;
  nnBest: string;
  peer: string;
  /** How many times faster @nn's best backend is than the peer (> 1 means @nn wins). */
  ratio: number;
}

/** The unit and work of one cell: the workload's, unless the cell did less (a partial epoch). */
function cellWork(result: WorkloadResult, cell: CellResult): { unit: string; workPerRun: number } {
  return { unit: result.unit, workPerRun: cell.workPerRun ?? result.workPerRun };
}

function value(result: WorkloadResult, cell: CellResult): number | null {
  if (cell.status !== 'ok' || cell.median === undefined) return null;
  return unitValue(cellWork(result, cell), cell.median);
}

export function formatValue(v: number | null): string {
  if (v === null) return '';
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** The table cell: value with its spread (and a training cell's accuracy), or the status; details go below. */
function cellText(result: WorkloadResult, cell: CellResult): string {
  const v = value(result, cell);
  if (v === null) {
    if (cell.status === 'unavailable') return 'n/a';
    return cell.status === 'skipped' ? 'skipped' : `**${cell.status.toUpperCase()}**`;
  }
  const work = cellWork(result, cell);
  const spread =
    cell.times && cell.times.length > 1
      ? ` (${formatValue(unitValue(work, cell.max!))}..${formatValue(unitValue(work, cell.min!))})`
      : '';
  const partial = cell.workPerRun !== undefined ? ' partial' : '';
  const acc = cell.facts?.accuracy !== undefined && !partial ? `, acc ${cell.facts.accuracy}` : '';
  return `${formatValue(v)}${spread}${partial}${acc}`;
}

/** One line per cell with something to say: why it did not run, or its facts. */
function cellDetails(cell: CellResult): string | null {
  const parts: string[] = [];
  if (cell.status !== 'ok') parts.push(`${cell.status}: ${cell.reason ?? ''}`);
  for (const [k, f] of Object.entries(cell.facts ?? {}))
    parts.push(`${k}: ${typeof f === 'number' ? formatValue(f) : f}`);
  return parts.length ? `${cell.library}: ${parts.join('; ')}` : null;
}

export function ratios(results: readonly WorkloadResult[]): Ratio[] {
  const out: Ratio[] = [];
  for (const result of results) {
    const values = result.cells.map((c) => ({ cell: c, v: value(result, c) }));
    const nn = values.filter((x) => x.cell.library.startsWith('nn:') && x.v !== null);
    if (nn.length === 0) continue;
    const better = (a: number, b: number) => (result.lowerIsBetter ? a < b : a > b);
    const best = nn.reduce((a, b) => (better(b.v!, a.v!) ? b : a));
    for (const peer of values) {
      if (peer.cell.library.startsWith('nn:') || peer.v === null) continue;
      const ratio = result.lowerIsBetter ? peer.v / best.v! : best.v! / peer.v;
      out.push({ workload: result.id, nnBest: best.cell.library, peer: peer.cell.library, ratio });
    }
  }
  return out;
}

export function markdownReport(env: Environment, results: readonly WorkloadResult[]): string {
  const libraries = [...new Set(results.flatMap((r) => r.cells.map((c) => c.library)))];
  const lines = [
    `# @nn benchmark, ${env.date}${env.quick ? ' (quick)' : ''}`,
    '',
    `CPU: ${env.cpu} (${env.cores} cores), Node ${env.node}, ${env.platform}. Threads: ${Object.entries(env.threads)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}.`,
    ...(env.load
      ? [
          '',
          `Load average (1 min) at start ${env.load.start.toFixed(2)}${env.load.end === undefined ? '' : `, at end ${env.load.end.toFixed(2)}`}: above 0 means other processes shared the cores.`,
        ]
      : []),
    '',
    'Median over interleaved repetitions (slowest..fastest in brackets); data read back inside every timed run.',
    'Training rows: one timed epoch per library from the same initial weights and data, no repetitions;',
    '"partial" = the library was slower than the sample budget and trained only part of the epoch (see details).',
    'n/a = the library cannot run the workload; skipped = its probe showed it too slow for the row (reasons in the details).',
    '',
    `| workload | unit | ${libraries.join(' | ')} |`,
    `|---|---|${libraries.map(() => '---').join('|')}|`,
  ];
  for (const result of results) {
    const row = libraries.map((lib) => {
      const cell = result.cells.find((c) => c.library === lib);
      return cell ? cellText(result, cell).replaceAll('|', '/') : '';
    });
    lines.push(`| ${result.title} | ${result.unit} | ${row.join(' | ')} |`);
  }
  const rs = ratios(results);
  if (rs.length) {
    lines.push(
      '',
      '## Ratios: @nn best backend vs each peer (> 1: @nn faster)',
      '',
      '| workload | @nn | peer | ratio |',
      '|---|---|---|---|',
    );
    for (const r of rs) lines.push(`| ${r.workload} | ${r.nnBest} | ${r.peer} | ${r.ratio.toFixed(2)}x |`);
  }
  lines.push('', '## Details per cell', '');
  for (const result of results) {
    const details = result.cells.map(cellDetails).filter((d): d is string => d !== null);
    if (details.length === 0) continue;
    lines.push(`- **${result.id}** (${result.title})`, ...details.map((d) => `  - ${d.replaceAll('|', '/')}`));
  }
  return `${lines.join('\n')}\n`;
}

/** A horizontal bar chart of the ratios on a log scale, as a standalone SVG. */
export function ratioChart(rs: readonly Ratio[]): string {
  const rowHeight = 18;
  const labelWidth = 330;
  const plotWidth = 420;
  const height = 40 + rs.length * rowHeight;
  const maxLog = Math.max(1, ...rs.map((r) => Math.abs(Math.log10(Math.max(r.ratio, 1e-6)))));
  const center = labelWidth + plotWidth / 2;
  const scale = plotWidth / 2 / maxLog;
  const escapeXml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  const bars = rs.map((r, i) => {
    const y = 30 + i * rowHeight;
    const length = Math.log10(Math.max(r.ratio, 1e-6)) * scale;
    const x = length >= 0 ? center : center + length;
    const color = r.ratio >= 1 ? '#2e7d32' : '#c62828';
    return [
      `<text x="${labelWidth - 6}" y="${y + 12}" text-anchor="end">${escapeXml(`${r.workload}: ${r.nnBest} vs ${r.peer}`)}</text>`,
      `<rect x="${x.toFixed(1)}" y="${y + 2}" width="${Math.abs(length).toFixed(1)}" height="${rowHeight - 5}" fill="${color}"/>`,
      `<text x="${(length >= 0 ? center + length + 4 : center + 4).toFixed(1)}" y="${y + 12}">${r.ratio.toFixed(2)}x</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 60}" height="${height}" font-family="sans-serif" font-size="11">`,
    '<text x="8" y="16" font-size="13">@nn best backend vs peers (log scale; right of the line: @nn faster)</text>',
    `<line x1="${center}" y1="24" x2="${center}" y2="${height - 4}" stroke="#555"/>`,
    ...bars,
    '</svg>',
  ].join('\n');
}

/** The terminal table: one row per workload, one column per library. */
export function terminalTable(results: readonly WorkloadResult[]): string {
  const libraries = [...new Set(results.flatMap((r) => r.cells.map((c) => c.library)))];
  const rows = [['workload', 'unit', ...libraries]];
  for (const result of results) {
    rows.push([
      result.id,
      result.unit,
      ...libraries.map((lib) => {
        const cell = result.cells.find((c) => c.library === lib);
        if (!cell) return '';
        const v = value(result, cell);
        if (v === null) return cell.status;
        return cell.workPerRun !== undefined ? `${formatValue(v)}*` : formatValue(v);
      }),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
  const partial = results.some((r) => r.cells.some((c) => c.workPerRun !== undefined));
  return partial ? `${table}\n* partial epoch (sample budget): see the cell's facts in latest.md` : table;
}
