import { ShapeError, ValueError } from '@nn/tensor';
import type { Batch, HostBatch } from './dataset';
import { type HostTensor, sizeOf } from './host';
import { Rng } from './random';

/** A batch transform that works on host memory before the batch becomes tensors (cheap, works everywhere). */
export interface HostTransform {
  readonly name: string;
  applyHost(batch: HostBatch): HostBatch;
}

/** What DataLoader's `transform` option takes: a host transform, or any function of a tensor batch. */
export type Transform = HostTransform | ((batch: Batch) => Batch);

/** Runs a transform on a host batch and returns tensors. */
export function applyTransform(
  transform: Transform | undefined,
  host: HostBatch,
  toBatch: (host: HostBatch) => Batch,
): Batch {
  if (transform === undefined) return toBatch(host);
  if (typeof transform === 'function') return transform(toBatch(host));
  return toBatch(transform.applyHost(host));
}

/** Float32 data of x (int32 images are converted), safe to modify in place. */
function floatX(x: HostTensor): HostTensor {
  if (x.dtype !== 'int32') return x;
  return { data: Float32Array.from(x.data), shape: x.shape, dtype: 'float32' };
}

/**
 * x -> (x - mean) / std, with one value for all or one per channel (axis 1 of x [B, C, ...]).
 * @example new DataLoader(train, { batchSize: 64, transform: normalize(0.1307, 0.3081) })
 */
export function normalize(mean: number | readonly number[], std: number | readonly number[]): HostTransform {
  const means = typeof mean === 'number' ? [mean] : [...mean];
  const stds = typeof std === 'number' ? [std] : [...std];
  if (means.length !== stds.length || means.length === 0) {
    throw new ValueError(
      `normalize: mean and std need the same non-zero length, got ${means.length} and ${stds.length}`,
    );
  }
  if (stds.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw new ValueError(`normalize: std must be positive and finite, got [${stds.join(',')}]`);
  }
  return {
    name: 'normalize',
    applyHost(batch) {
      const x = floatX(batch.x);
      const channels = means.length;
      if (channels > 1 && x.shape[1] !== channels) {
        throw new ShapeError(`normalize: ${channels} channel means for x of shape [${x.shape.join(',')}]`);
      }
      const inner = channels > 1 ? sizeOf(x.shape.slice(2)) : x.data.length;
      const data = x.data;
      for (let i = 0; i < data.length; i++) {
        const c = channels > 1 ? Math.floor(i / inner) % channels : 0;
        data[i] = (data[i]! - means[c]!) / stds[c]!;
      }
      return { x, y: batch.y };
    },
  };
}

/** Options of randomAffine. Each sample gets its own random shift, rotation and scale. */
export interface RandomAffineOptions {
  /** Largest shift in pixels along each axis (default 0). */
  maxShift?: number;
  /** Largest rotation in degrees, either way (default 0). */
  maxRotationDeg?: number;
  /** Range of the zoom factor (default [1, 1]). */
  scale?: readonly [number, number];
  /** Value for pixels that come from outside the image (default 0). */
  fill?: number;
  /** Seed: the same seed gives the same sequence of augmentations on every run (default 0). */
  seed?: number;
}

/**
 * Seeded random shift/rotation/zoom of images x [B, C, H, W] (bilinear sampling about the image centre).
 * @example transform: randomAffine({ maxShift: 2, maxRotationDeg: 10, seed: 0 })
 */
export function randomAffine(options: RandomAffineOptions = {}): HostTransform {
  const maxShift = options.maxShift ?? 0;
  const maxRotation = ((options.maxRotationDeg ?? 0) * Math.PI) / 180;
  const [scaleLow, scaleHigh] = options.scale ?? [1, 1];
  const fill = options.fill ?? 0;
  if (!(maxShift >= 0) || !(maxRotation >= 0) || !(scaleLow > 0) || !(scaleHigh >= scaleLow)) {
    throw new ValueError(`randomAffine: bad options ${JSON.stringify(options)}`);
  }
  const rng = new Rng(options.seed ?? 0);
  return {
    name: 'randomAffine',
    applyHost(batch) {
      const x = floatX(batch.x);
      if (x.shape.length < 3) {
        throw new ShapeError(`randomAffine: expected images [B, C, H, W] or [B, H, W], got [${x.shape.join(',')}]`);
      }
      const height = x.shape[x.shape.length - 2]!;
      const width = x.shape[x.shape.length - 1]!;
      const samples = x.shape[0]!;
      const planes = x.data.length / (samples * height * width);
      const out = new Float32Array(x.data.length);
      for (let s = 0; s < samples; s++) {
        const angle = rng.uniform(-maxRotation, maxRotation);
        const zoom = rng.uniform(scaleLow, scaleHigh);
        const dx = rng.uniform(-maxShift, maxShift);
        const dy = rng.uniform(-maxShift, maxShift);
        for (let p = 0; p < planes; p++) {
          const offset = (s * planes + p) * height * width;
          warpPlane(x.data, out, offset, height, width, angle, zoom, dx, dy, fill);
        }
      }
      return {
        x: { data: x.dtype === 'float64' ? Float64Array.from(out) : out, shape: x.shape, dtype: x.dtype },
        y: batch.y,
      };
    },
  };
}

/** Inverse-maps every output pixel through the affine transform and samples the input bilinearly. */
function warpPlane(
  src: ArrayLike<number>,
  dst: Float32Array,
  offset: number,
  height: number,
  width: number,
  angle: number,
  zoom: number,
  dx: number,
  dy: number,
  fill: number,
): void {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const cos = Math.cos(angle) / zoom;
  const sin = Math.sin(angle) / zoom;
  for (let y = 0; y < height; y++) {
    const v = y - cy - dy;
    const row = offset + y * width;
    const sinV = sin * v;
    const cosV = cos * v;
    for (let x = 0; x < width; x++) {
      const u = x - cx - dx;
      const sx = cos * u + sinV + cx;
      const sy = -sin * u + cosV + cy;
      if (sx >= 0 && sy >= 0 && sx < width - 1 && sy < height - 1) {
        // All four neighbours inside (most pixels): truncation is floor here, and no bounds checks (2x the
        // speed of Math.floor and the checked path, which costs ~5x: this loop is ~10% of `npm run demo`).
        const x0 = sx | 0;
        const y0 = sy | 0;
        const at = offset + y0 * width + x0;
        dst[row + x] = bilinear(src[at]!, src[at + 1]!, src[at + width]!, src[at + width + 1]!, sx - x0, sy - y0);
      } else {
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        dst[row + x] = bilinear(
          pixelOr(src, offset, height, width, y0, x0, fill),
          pixelOr(src, offset, height, width, y0, x0 + 1, fill),
          pixelOr(src, offset, height, width, y0 + 1, x0, fill),
          pixelOr(src, offset, height, width, y0 + 1, x0 + 1, fill),
          sx - x0,
          sy - y0,
        );
      }
    }
  }
}

/** Bilinear interpolation between a (top left), b (top right), c (bottom left) and d at fractions tx, ty. */
function bilinear(a: number, b: number, c: number, d: number, tx: number, ty: number): number {
  const top = a * (1 - tx) + b * tx;
  const bottom = c * (1 - tx) + d * tx;
  return top * (1 - ty) + bottom * ty;
}

/** The pixel at (y, x) of the plane at `offset`, or `fill` outside it. */
function pixelOr(
  src: ArrayLike<number>,
  offset: number,
  height: number,
  width: number,
  y: number,
  x: number,
  fill: number,
): number {
  return x < 0 || y < 0 || x >= width || y >= height ? fill : src[offset + y * width + x]!;
}

/** Chains host transforms left to right. */
export function compose(...transforms: HostTransform[]): HostTransform {
  return {
    name: `compose(${transforms.map((t) => t.name).join(', ')})`,
    applyHost: (batch) => transforms.reduce((b, t) => t.applyHost(b), batch),
  };
}
