import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { confusionSvg, curvesSvg, digitPngDataUrl, misclassifiedSvg, reportHtml } from './report';

describe('report', () => {
  it('draws one polyline per series and labels every epoch', () => {
    const svg = curvesSvg({
      loss: [0.5, 0.2, 0.1],
      valLoss: [0.4, 0.2, 0.15],
      accuracy: [0.9, 0.95, 0.97],
      valAccuracy: [0.91, 0.96, 0.98],
    });
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    expect(svg).toContain('>3</text>');
    expect(svg.startsWith('<svg')).toBe(true);
  });

  it('writes every count of the confusion matrix', () => {
    const matrix = [
      [5, 1],
      [2, 7],
    ];
    const svg = confusionSvg(matrix);
    for (const n of [5, 1, 2, 7]) expect(svg).toContain(`>${n}</text>`);
    expect(svg.match(/<rect/g)).toHaveLength(4);
  });

  it('embeds each misclassified digit as a decodable 28x28 PNG', () => {
    const pixels = new Float32Array(784).fill(0);
    pixels[14 * 28 + 14] = 1;
    const url = digitPngDataUrl(pixels);
    const png = decode(Buffer.from(url.split(',')[1]!, 'base64'));
    expect([png.width, png.height]).toEqual([28, 28]);
    expect(png.data[14 * 28 + 14]).toBe(255);
    const svg = misclassifiedSvg([{ pixels, label: 4, predicted: 9, confidence: 0.8 }]);
    expect(svg).toContain('4 → ');
    expect(svg).toContain('80%');
    expect(misclassifiedSvg([])).toContain('None');
    expect(reportHtml({ testAccuracy: 0.9912, epochs: 3, seconds: 100, backend: 'wasm' })).toContain('99.12%');
  });
});
