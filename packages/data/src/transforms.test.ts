import { ShapeError, tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader } from './dataloader';
import { type HostBatch, TensorDataset } from './dataset';
import { compose, normalize, randomAffine } from './transforms';

const batch = (data: number[], shape: number[]): HostBatch => ({
  x: { data: Float32Array.from(data), shape, dtype: 'float32' },
  y: { data: new Int32Array(shape[0]!), shape: [shape[0]!], dtype: 'int32' },
});

describe('normalize', () => {
  it('applies one mean/std to everything, or per channel', () => {
    expect(Array.from(normalize(1, 2).applyHost(batch([1, 3, 5], [1, 3])).x.data)).toEqual([0, 1, 2]);
    const perChannel = normalize([0, 10], [1, 2]).applyHost(batch([1, 2, 12, 14, 3, 4, 10, 10], [2, 2, 2]));
    expect(Array.from(perChannel.x.data)).toEqual([1, 2, 1, 2, 3, 4, 0, 0]);
  });

  it('converts int32 images to float32 and validates its arguments', () => {
    const ints: HostBatch = {
      ...batch([0], [1, 1]),
      x: { data: Int32Array.from([255]), shape: [1, 1], dtype: 'int32' },
    };
    const out = normalize(127.5, 127.5).applyHost(ints).x;
    expect(out.dtype).toBe('float32');
    expect(out.data[0]).toBe(1);
    expect(() => normalize(0, 0)).toThrow(ValueError);
    expect(() => normalize([0, 1], [1])).toThrow(ValueError);
    expect(() => normalize([0, 1, 2], [1, 1, 1]).applyHost(batch([1, 2], [1, 2, 1]))).toThrow(ShapeError);
  });
});

describe('randomAffine', () => {
  const image = () => {
    const data = new Array(2 * 9 * 9).fill(0);
    data[4 * 9 + 4] = 1; // a dot in the centre of sample 0
    data[81 + 4 * 9 + 4] = 1; // and of sample 1
    return batch(data, [2, 1, 9, 9]);
  };

  it('with no range is the identity', () => {
    const out = randomAffine().applyHost(image());
    expect(Array.from(out.x.data)).toEqual(Array.from(image().x.data));
  });

  it('shifts keep the mass of an interior dot, rotation keeps the centre, same seed = same result', () => {
    const shifted = randomAffine({ maxShift: 3, seed: 1 }).applyHost(image()).x.data;
    const again = randomAffine({ maxShift: 3, seed: 1 }).applyHost(image()).x.data;
    expect(Array.from(shifted)).toEqual(Array.from(again));
    const total = Array.from(shifted.subarray(0, 81)).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 4); // bilinear sampling of an interior dot keeps its mass
    const rotated = randomAffine({ maxRotationDeg: 30, seed: 2 }).applyHost(image()).x.data;
    expect(rotated[4 * 9 + 4]).toBeCloseTo(1, 6);
    expect(() => randomAffine({ maxShift: 1 }).applyHost(batch([1, 2], [1, 2]))).toThrow(ShapeError);
  });

  it('a fixed zoom samples bilinearly, with `fill` outside the image (interior and border pixels alike)', () => {
    // scale [z, z] with no rotation or shift is deterministic: output (x, y) reads input ((x - c) / z + c, ...).
    const size = 7;
    const c = (size - 1) / 2;
    const data = Array.from({ length: size * size }, (_, i) => ((i * 37) % 11) / 10);
    const pixel = (y: number, x: number, fill: number) =>
      x < 0 || y < 0 || x >= size || y >= size ? fill : data[y * size + x]!;
    for (const [zoom, fill] of [
      [0.6, 0.25],
      [1.7, 0],
    ] as const) {
      const out = randomAffine({ scale: [zoom, zoom], fill }).applyHost(batch(data, [1, 1, size, size])).x.data;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const sx = (x - c) / zoom + c;
          const sy = (y - c) / zoom + c;
          const x0 = Math.floor(sx);
          const y0 = Math.floor(sy);
          const [tx, ty] = [sx - x0, sy - y0];
          const top = pixel(y0, x0, fill) * (1 - tx) + pixel(y0, x0 + 1, fill) * tx;
          const bottom = pixel(y0 + 1, x0, fill) * (1 - tx) + pixel(y0 + 1, x0 + 1, fill) * tx;
          expect(out[y * size + x]).toBeCloseTo(top * (1 - ty) + bottom * ty, 5);
        }
      }
    }
  });

  it('composes and plugs into a DataLoader as its transform', () => {
    const ds = new TensorDataset(
      tensor(new Float32Array(4 * 16).fill(0.5), [4, 1, 4, 4]),
      tensor(new Int32Array(4), [4], 'int32'),
    );
    const transform = compose(randomAffine({ maxShift: 1, seed: 0, fill: 0.5 }), normalize(0.5, 0.25));
    const [first] = [...new DataLoader(ds, { batchSize: 4, transform })];
    expect(first!.x.shape).toEqual([4, 1, 4, 4]);
    for (const v of first!.x.dataSync()) expect(v).toBeCloseTo(0, 5);
  });
});
