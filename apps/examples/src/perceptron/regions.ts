/** The perceptron example's picture: decision regions of a 2-input classifier over the unit square. */
import { noGrad } from '@nn/autograd';
import { type Tensor, tensor, tidy } from '@nn/tensor';
import { escapeXml } from '../shared/pictures';

export interface Panel {
  title: string;
  targets: readonly number[];
  /** [N, 2] points -> [N] 0/1 predictions. */
  predict: (x: Tensor) => Tensor;
}

const GRID = 40;
const SIZE = 200;
const LO = -0.25;
const HI = 1.25;

function gridPredictions(predict: Panel['predict']): Float32Array | Int32Array | Float64Array {
  const points: number[][] = [];
  for (let j = 0; j < GRID; j++) {
    for (let i = 0; i < GRID; i++) {
      points.push([LO + ((i + 0.5) / GRID) * (HI - LO), HI - ((j + 0.5) / GRID) * (HI - LO)]);
    }
  }
  return tidy(() => noGrad(() => predict(tensor(points))).dataSync());
}

/** One SVG with a panel per classifier: shaded where it says 1, the four truth-table points coloured by target. */
export function decisionRegionsSvg(panels: readonly Panel[]): string {
  const cell = SIZE / GRID;
  const gap = 20;
  const width = panels.length * (SIZE + gap) + gap;
  const height = SIZE + 60;
  const scale = (v: number) => ((v - LO) / (HI - LO)) * SIZE;
  const parts = panels.map((panel, k) => {
    const x0 = gap + k * (SIZE + gap);
    const y0 = 40;
    const predicted = gridPredictions(panel.predict);
    const cells: string[] = [];
    for (let j = 0; j < GRID; j++) {
      for (let i = 0; i < GRID; i++) {
        if (predicted[j * GRID + i] === 1) {
          cells.push(`<rect x="${x0 + i * cell}" y="${y0 + j * cell}" width="${cell}" height="${cell}"/>`);
        }
      }
    }
    const points = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ].map(
      ([a, b], i) =>
        `<circle cx="${x0 + scale(a!)}" cy="${y0 + SIZE - scale(b!)}" r="7" fill="${panel.targets[i] ? '#d62728' : 'white'}" stroke="#333" stroke-width="1.5"/>`,
    );
    return [
      `<text x="${x0 + SIZE / 2}" y="28" text-anchor="middle">${escapeXml(panel.title)}</text>`,
      `<rect x="${x0}" y="${y0}" width="${SIZE}" height="${SIZE}" fill="white" stroke="#333"/>`,
      `<g fill="#f4c7c3">${cells.join('')}</g>`,
      ...points,
    ].join('\n');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${panels.map((p) => escapeXml(p.title)).join('; ')}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...parts,
    `<text x="${width / 2}" y="${height - 8}" text-anchor="middle">shaded: predicted 1; filled circles: target 1, open: target 0</text>`,
    '</svg>',
    '',
  ].join('\n');
}
