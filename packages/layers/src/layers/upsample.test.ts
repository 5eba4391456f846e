import { ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { checkLayerCase, checkRoundTrip } from '../../test/layer-parity';
import { AdaptiveAvgPool2d, Upsample } from './upsample';

describe('Upsample and AdaptiveAvgPool2d against PyTorch 1.13', () => {
  const cases = [
    ['upsampleNearest', () => new Upsample({ scaleFactor: 2 })],
    ['upsampleBilinear', () => new Upsample({ scaleFactor: 2, mode: 'bilinear' })],
    ['upsampleSize', () => new Upsample({ size: [5, 7], mode: 'bilinear', alignCorners: true })],
    ['adaptiveAvgPool2d', () => new AdaptiveAvgPool2d([3, 2])],
    ['adaptiveAvgPool2dSquare', () => new AdaptiveAvgPool2d(1)],
  ] as const;
  for (const [name, make] of cases) {
    it(name, () => {
      checkLayerCase(name, make());
      checkRoundTrip(name, make());
    });
  }

  it('checks its arguments', () => {
    expect(() => new Upsample({})).toThrow(new ValueError('Upsample: give exactly one of size and scaleFactor'));
    expect(() => new Upsample({ scaleFactor: 2, alignCorners: true })).toThrow(
      "Upsample: alignCorners applies to mode 'bilinear' only",
    );
    expect(() => new AdaptiveAvgPool2d(0)).toThrow(ValueError);
  });
});
