/**
 * The training report, for people who would rather look than read: loss/accuracy curves per epoch,
 * a confusion matrix, and the misclassified test digits with their true and predicted labels. All SVG
 * (the digits are embedded as small PNGs), plus an index.html that shows them together.
 */
import { encode } from 'fast-png';

export interface EpochHistory {
  loss: number[];
  accuracy: number[];
  valLoss: number[];
  valAccuracy: number[];
}

export interface Misclassified {
  /** 28x28 values in [0, 1], white ink on black. */
  pixels: Float32Array;
  label: number;
  predicted: number;
  /** The probability the model gave its (wrong) prediction. */
  confidence: number;
}

const escapeXml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** One panel of a line chart: a few series over epochs 1..n. */
function linePanel(
  x0: number,
  title: string,
  series: { name: string; values: number[]; color: string }[],
  format: (v: number) => string,
): string {
  const width = 360;
  const height = 220;
  const pad = { left: 48, right: 12, top: 28, bottom: 34 };
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const n = Math.max(1, ...series.map((s) => s.values.length));
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
  const px = (i: number) => x0 + pad.left + (n === 1 ? 0.5 : i / (n - 1)) * (width - pad.left - pad.right);
  const py = (v: number) => pad.top + (1 - (v - lo) / (hi - lo)) * (height - pad.top - pad.bottom);
  const parts = [
    `<text x="${x0 + pad.left}" y="18" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
    `<rect x="${x0 + pad.left}" y="${pad.top}" width="${width - pad.left - pad.right}" height="${height - pad.top - pad.bottom}" fill="none" stroke="#999"/>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = lo + ((hi - lo) * t) / 4;
    parts.push(`<text x="${x0 + pad.left - 4}" y="${py(v) + 4}" text-anchor="end" font-size="10">${format(v)}</text>`);
  }
  for (let i = 0; i < n; i++) {
    parts.push(
      `<text x="${px(i)}" y="${height - pad.bottom + 14}" text-anchor="middle" font-size="10">${i + 1}</text>`,
    );
  }
  parts.push(`<text x="${x0 + width / 2}" y="${height - 4}" text-anchor="middle" font-size="11">epoch</text>`);
  series.forEach((s, k) => {
    const points = s.values.map((v, i) => `${px(i).toFixed(1)},${py(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const [i, v] of s.values.entries())
      parts.push(`<circle cx="${px(i)}" cy="${py(v)}" r="3" fill="${s.color}"/>`);
    parts.push(
      // The legend sits in the title row, right-aligned, so it never covers a curve.
      `<text x="${x0 + width - pad.right - (series.length - 1 - k) * 44}" y="18" text-anchor="end" font-size="11" fill="${s.color}">${escapeXml(s.name)}</text>`,
    );
  });
  return parts.join('\n');
}

/** Loss and accuracy per epoch, train and test, side by side. */
export function curvesSvg(history: EpochHistory): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="740" height="230" font-family="sans-serif">',
    linePanel(
      0,
      'Loss (cross-entropy)',
      [
        { name: 'train', values: history.loss, color: '#1565c0' },
        { name: 'test', values: history.valLoss, color: '#ef6c00' },
      ],
      (v) => v.toFixed(3),
    ),
    linePanel(
      370,
      'Accuracy',
      [
        { name: 'train', values: history.accuracy, color: '#1565c0' },
        { name: 'test', values: history.valAccuracy, color: '#ef6c00' },
      ],
      pct,
    ),
    '</svg>',
  ].join('\n');
}

/** matrix[true][predicted] counts, drawn as a heat map with the counts written in. */
export function confusionSvg(matrix: readonly (readonly number[])[]): string {
  const k = matrix.length;
  const cell = 38;
  const left = 60;
  const top = 56;
  const rowTotals = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + k * cell + 20}" height="${top + k * cell + 20}" font-family="sans-serif" font-size="11">`,
    `<text x="${left}" y="16" font-size="13" font-weight="bold">Confusion matrix (rows: true digit, columns: predicted)</text>`,
  ];
  for (let j = 0; j < k; j++) {
    parts.push(`<text x="${left + j * cell + cell / 2}" y="${top - 6}" text-anchor="middle">${j}</text>`);
  }
  for (let i = 0; i < k; i++) {
    parts.push(`<text x="${left - 8}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${i}</text>`);
    for (let j = 0; j < k; j++) {
      const count = matrix[i]![j]!;
      const share = rowTotals[i]! > 0 ? count / rowTotals[i]! : 0;
      // Correct predictions in blue, errors in red; the shade grows with the share of the row.
      const shade =
        i === j
          ? `rgba(21,101,192,${(0.1 + 0.9 * share).toFixed(3)})`
          : `rgba(198,40,40,${Math.min(1, share * 20).toFixed(3)})`;
      const x = left + j * cell;
      const y = top + i * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell - 1}" height="${cell - 1}" fill="${shade}"/>`);
      const ink = i === j && share > 0.5 ? '#fff' : '#000';
      parts.push(
        `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${ink}">${count}</text>`,
      );
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** A 28x28 [0,1] image as a grayscale PNG data URL (white ink on black, as MNIST). */
export function digitPngDataUrl(pixels: Float32Array, size = 28): string {
  const data = new Uint8Array(size * size);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, pixels[i] ?? 0)) * 255);
  const png = encode({ width: size, height: size, data, channels: 1, depth: 8 });
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

/** A grid of misclassified digits, each captioned "true → predicted (confidence)". */
export function misclassifiedSvg(items: readonly Misclassified[], columns = 10): string {
  const cellW = 72;
  const cellH = 90;
  const rows = Math.max(1, Math.ceil(items.length / columns));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${columns * cellW + 10}" height="${rows * cellH + 34}" font-family="sans-serif" font-size="11">`,
    `<text x="6" y="18" font-size="13" font-weight="bold">Misclassified test digits (${items.length} shown): true → predicted</text>`,
  ];
  items.forEach((item, n) => {
    const x = 6 + (n % columns) * cellW;
    const y = 28 + Math.floor(n / columns) * cellH;
    parts.push(
      `<image x="${x + 4}" y="${y}" width="56" height="56" image-rendering="pixelated" href="${digitPngDataUrl(item.pixels)}"/>`,
      `<text x="${x + 32}" y="${y + 70}" text-anchor="middle">${item.label} → <tspan fill="#c62828" font-weight="bold">${item.predicted}</tspan></text>`,
      `<text x="${x + 32}" y="${y + 83}" text-anchor="middle" fill="#666">${(item.confidence * 100).toFixed(0)}%</text>`,
    );
  });
  if (items.length === 0) parts.push('<text x="6" y="50">None: every test digit was classified correctly.</text>');
  parts.push('</svg>');
  return parts.join('\n');
}

/** The page that shows the three figures with the headline numbers. */
export function reportHtml(summary: {
  testAccuracy: number;
  epochs: number;
  seconds: number;
  backend: string;
}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>@nn digit recognizer: training report</title>
<style>body{font-family:sans-serif;margin:2em;max-width:60em}img{display:block;margin:1em 0;max-width:100%}</style></head>
<body>
<h1>LeNet-5 on MNIST: training report</h1>
<p>Test accuracy <b>${(summary.testAccuracy * 100).toFixed(2)}%</b> after ${summary.epochs} epoch(s),
${summary.seconds.toFixed(0)} s of training on the <code>${escapeXml(summary.backend)}</code> backend.</p>
<img src="curves.svg" alt="loss and accuracy per epoch">
<img src="confusion.svg" alt="confusion matrix">
<img src="misclassified.svg" alt="misclassified test digits">
</body></html>
`;
}
