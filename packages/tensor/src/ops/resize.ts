/**
 * Resizing NCHW images: interpolate (nearest, bilinear) and adaptiveAvgPool2d. Both are separable linear maps, so
 * they are composed per axis from kernels every backend runs natively: interpolate gathers the source rows and
 * columns (and blends two of them for bilinear), which costs O(output) like a dedicated kernel would; adaptive
 * pooling is avgPool2d when the windows are regular and two small matmuls by averaging matrices otherwise.
 * Gradients follow from those ops' rules. The index arithmetic is in kernels/geometry.ts.
 */
import { engine } from '../engine';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors';
import { adaptiveWindows, linearTaps, nearestSources, type Pair } from '../kernels/geometry';
import type { Tensor } from '../tensor';
import { checkOptions, describeValue, type OptionKeys } from '../util/options';
import { add, mul } from './binary';
import { pair } from './conv';
import { assertTensor, tensor } from './create';
import { gather } from './indexing';
import { matmul } from './matmul';
import { avgPool2d } from './pool';
import { mean } from './reduce';

/** Options of `interpolate`: a size or a scale factor, and the mode. */
export interface InterpolateOptions {
  /** Output [height, width] (or one number for both); give this or scaleFactor. */
  size?: number | readonly [number, number];
  /** Output = floor(input * scaleFactor) per axis; also the scale source pixels are found with, as PyTorch. */
  scaleFactor?: number | readonly [number, number];
  /** 'nearest' (default) or 'bilinear'. */
  mode?: 'nearest' | 'bilinear';
  /** Bilinear only: map the corner pixels' centres onto each other (default false). */
  alignCorners?: boolean;
}

const INTERPOLATE_OPTIONS: OptionKeys<InterpolateOptions> = {
  size: true,
  scaleFactor: true,
  mode: true,
  alignCorners: true,
};

function assertImage(op: string, x: Tensor): void {
  if (x.rank !== 4) throw new ShapeError(`${op}: input must be NCHW (rank 4), got ${fmtShape(x.shape)}`);
}

/** Positive finite scale factors, one per axis. */
function scales(value: number | readonly [number, number]): Pair {
  const p = typeof value === 'number' ? ([value, value] as const) : value;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
    throw new ValueError(
      `interpolate: scaleFactor must be a positive number or a pair of them, got ${describeValue(value)}`,
    );
  }
  return [p[0]!, p[1]!];
}

/** x with axis `axis` (2 or 3) resized by blending the rows/columns `taps` pick. */
function linearAlong(x: Tensor, axis: 2 | 3, taps: ReturnType<typeof linearTaps>): Tensor {
  const weightShape = axis === 2 ? [taps.w0.length, 1] : [taps.w0.length];
  const w0 = tensor(taps.w0, weightShape, x.dtype);
  const w1 = tensor(taps.w1, weightShape, x.dtype);
  return add(mul(gather(x, taps.i0, axis), w0), mul(gather(x, taps.i1, axis), w1));
}

/**
 * Resizes NCHW images to `size` or by `scaleFactor`, by nearest-neighbour or bilinear interpolation, as PyTorch's
 * F.interpolate (recompute_scale_factor unset).
 * @example interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: false }) // [N, C, 2H, 2W]
 */
export function interpolate(x: Tensor, options: InterpolateOptions): Tensor {
  const op = 'interpolate';
  assertTensor(op, x);
  checkOptions(op, options, INTERPOLATE_OPTIONS);
  assertImage(op, x);
  const { size, scaleFactor, mode = 'nearest', alignCorners } = options ?? {};
  if ((size === undefined) === (scaleFactor === undefined)) {
    throw new ValueError(`${op}: give exactly one of size and scaleFactor`);
  }
  if (mode !== 'nearest' && mode !== 'bilinear') {
    throw new ValueError(`${op}: mode must be 'nearest' or 'bilinear', got ${describeValue(mode)}`);
  }
  if (mode === 'nearest' && alignCorners !== undefined) {
    throw new ValueError(`${op}: alignCorners only applies to mode 'bilinear'`);
  }
  if (mode === 'bilinear' && !x.dtype.startsWith('float')) {
    throw new DTypeError(`${op}: bilinear needs a float input, got ${x.dtype}`);
  }
  const inHW: Pair = [x.shape[2]!, x.shape[3]!];
  const factors = scaleFactor === undefined ? undefined : scales(scaleFactor);
  const outHW: Pair =
    size === undefined
      ? [Math.floor(inHW[0] * factors![0]), Math.floor(inHW[1] * factors![1])]
      : pair(op, 'size', size, 1);
  if (outHW[0] < 1 || outHW[1] < 1) {
    throw new ValueError(`${op}: scaleFactor [${factors}] leaves no output of input ${fmtShape(x.shape)}`);
  }
  if (inHW[0] === 0 || inHW[1] === 0) throw new ShapeError(`${op}: cannot resize an empty image ${fmtShape(x.shape)}`);
  return engine.tidy(() => {
    if (mode === 'nearest') {
      const rows = gather(x, nearestSources(inHW[0], outHW[0], factors?.[0]), 2);
      return gather(rows, nearestSources(inHW[1], outHW[1], factors?.[1]), 3);
    }
    const corners = alignCorners ?? false;
    const rows = linearAlong(x, 2, linearTaps(inHW[0], outHW[0], corners, factors?.[0]));
    return linearAlong(rows, 3, linearTaps(inHW[1], outHW[1], corners, factors?.[1]));
  });
}

/** The [outSize, inSize] matrix whose row i averages adaptive window i. */
function averagingMatrix(inSize: number, outSize: number, x: Tensor): Tensor {
  const values = new Array<number>(outSize * inSize).fill(0);
  adaptiveWindows(inSize, outSize).forEach(([start, end], i) => {
    for (let j = start; j < end; j++) values[i * inSize + j] = 1 / (end - start);
  });
  return tensor(values, [outSize, inSize], x.dtype);
}

/**
 * Average pooling of NCHW images to a fixed output size, as PyTorch's adaptive_avg_pool2d: output (i, j) averages
 * rows [floor(i * H / oH), ceil((i + 1) * H / oH)) and the same columns.
 * @example adaptiveAvgPool2d(x, 1) // [N, C, 1, 1]: global average pooling
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number, number]): Tensor {
  const op = 'adaptiveAvgPool2d';
  assertTensor(op, x);
  assertImage(op, x);
  if (!x.dtype.startsWith('float')) throw new DTypeError(`${op}: needs a float input, got ${x.dtype}`);
  const [oH, oW] = pair(op, 'outputSize', outputSize, 1);
  const [H, W] = [x.shape[2]!, x.shape[3]!];
  if (H === 0 || W === 0) throw new ShapeError(`${op}: cannot pool an empty image ${fmtShape(x.shape)}`);
  if (oH === 1 && oW === 1) return mean(x, [2, 3], true);
  if (H % oH === 0 && W % oW === 0) {
    const window: Pair = [H / oH, W / oW];
    return avgPool2d(x, { kernelSize: window, stride: window });
  }
  return engine.tidy(() =>
    matmul(averagingMatrix(H, oH, x), matmul(x, averagingMatrix(W, oW, x), { transposeB: true })),
  );
}
