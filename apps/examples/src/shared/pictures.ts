/** Pictures the examples write: grids of grey images as PNG, line charts as SVG. */
import { encode } from 'fast-png';

/**
 * Tiles `count` grey images of `height` x `width` (values in [0, 1], row-major, one after the other) into one
 * PNG, `columns` per row, with a 1-pixel dark gap. `scale` repeats pixels so small digits stay visible.
 */
export function imageGridPng(
  pixels: ArrayLike<number>,
  count: number,
  options: { height: number; width: number; columns: number; scale?: number },
): Uint8Array {
  const { height, width, columns } = options;
  const scale = options.scale ?? 2;
  const rows = Math.ceil(count / columns);
  const cellW = width * scale + 1;
  const cellH = height * scale + 1;
  const outW = columns * cellW + 1;
  const outH = rows * cellH + 1;
  const data = new Uint8Array(outW * outH).fill(40);
  for (let k = 0; k < count; k++) {
    const x0 = (k % columns) * cellW + 1;
    const y0 = Math.floor(k / columns) * cellH + 1;
    for (let y = 0; y < height * scale; y++) {
      for (let x = 0; x < width * scale; x++) {
        const v = pixels[k * height * width + Math.floor(y / scale) * width + Math.floor(x / scale)]!;
        data[(y0 + y) * outW + x0 + x] = Math.round(Math.min(1, Math.max(0, v)) * 255);
      }
    }
  }
  return encode({ width: outW, height: outH, data, channels: 1, depth: 8 });
}

/** Rescales each image to [0, 1] on its own (filters have arbitrary ranges). */
export function normalisePerImage(values: ArrayLike<number>, count: number): Float32Array {
  const size = values.length / count;
  const out = new Float32Array(values.length);
  for (let k = 0; k < count; k++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < size; i++) {
      const v = values[k * size + i]!;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    for (let i = 0; i < size; i++) out[k * size + i] = (values[k * size + i]! - lo) / (hi - lo || 1);
  }
  return out;
}

export interface Series {
  name: string;
  values: readonly number[];
  /** x of each value (default 1, 2, 3, ...). */
  x?: readonly number[];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A line chart of one or more series sharing the axes, with a legend. `logY` plots log10 of the values. */
export function lineChartSvg(
  series: readonly Series[],
  options: { title: string; xLabel: string; yLabel: string; logY?: boolean },
): string {
  const width = 640;
  const height = 360;
  const left = 60;
  const right = 20;
  const top = 40;
  const bottom = 50;
  const ys = (v: number) => (options.logY ? Math.log10(Math.max(v, 1e-12)) : v);
  const points = series.map((s) => s.values.map((v, i) => [s.x?.[i] ?? i + 1, ys(v)] as const));
  const all = points.flat();
  const xMin = Math.min(...all.map((p) => p[0]));
  const xMax = Math.max(...all.map((p) => p[0]));
  const yMin = Math.min(...all.map((p) => p[1]));
  const yMax = Math.max(...all.map((p) => p[1]));
  const px = (x: number) => left + ((x - xMin) / (xMax - xMin || 1)) * (width - left - right);
  const py = (y: number) => top + (1 - (y - yMin) / (yMax - yMin || 1)) * (height - top - bottom);
  const label = (y: number) => (options.logY ? 10 ** y : y).toPrecision(3);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => yMin + f * (yMax - yMin));
  const lines = points.map((pts, k) => {
    const d = pts.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join('');
    const colour = COLOURS[k % COLOURS.length];
    return `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"/>`;
  });
  const legend = series.map(
    (s, k) =>
      `<text x="${left + 10}" y="${top + 16 + k * 16}" fill="${COLOURS[k % COLOURS.length]}">${escapeXml(s.name)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(options.title)}</text>`,
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="#333"/>`,
    ...ticks.map(
      (t) =>
        `<text x="${left - 6}" y="${py(t) + 4}" text-anchor="end">${label(t)}</text>` +
        `<line x1="${left}" y1="${py(t)}" x2="${width - right}" y2="${py(t)}" stroke="#eee"/>`,
    ),
    `<text x="${left}" y="${height - bottom + 16}" text-anchor="middle">${xMin}</text>`,
    `<text x="${width - right}" y="${height - bottom + 16}" text-anchor="middle">${xMax}</text>`,
    `<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text x="16" y="${(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(top + height - bottom) / 2})">${escapeXml(options.yLabel)}${options.logY ? ' (log scale)' : ''}</text>`,
    ...lines,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
