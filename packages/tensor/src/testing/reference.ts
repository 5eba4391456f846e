/**
 * Naive float64 reference implementations the conformance cases compute expected values with. They are
 * deliberately the textbook loops: slow, obviously right, and independent of every backend's kernels.
 */
import { Generator, type NestedArray, type Shape } from '@nn/tensor';
import type { ExpectedTensor } from './types';

/** A flat row-major array with its shape. */
export interface Dense {
  shape: number[];
  values: number[];
}

export function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The values `randn(shape, { seed })` produces (float32), computed here without any backend. */
export function randnValues(shape: Shape, seed: number): Dense {
  const generator = new Generator(seed);
  const values = Array.from({ length: sizeOf(shape) }, () => Math.fround(generator.normal()));
  return { shape: [...shape], values };
}

/** The values `rand(shape, { seed, low, high })` produces (float32). */
export function randValues(shape: Shape, seed: number, low = 0, high = 1): Dense {
  const generator = new Generator(seed);
  const values = Array.from({ length: sizeOf(shape) }, () => {
    const v = Math.fround(low + (high - low) * generator.uniform());
    return v >= high ? low : v;
  });
  return { shape: [...shape], values };
}

export function expectDense(d: Dense): ExpectedTensor {
  return { shape: d.shape, values: d.values };
}

/** The shape a nested array spells out; `[]` for a number. */
export function nestedShape(value: NestedArray | readonly number[]): number[] {
  if (!Array.isArray(value)) return [];
  const first: NestedArray | undefined = value[0];
  return first === undefined ? [0] : [value.length, ...nestedShape(first)];
}

/** The numbers of a nested array in row-major order. */
export function flattenNested(value: NestedArray | readonly number[], into: number[] = []): number[] {
  if (Array.isArray(value)) for (const v of value as readonly NestedArray[]) flattenNested(v, into);
  else into.push(Number(value));
  return into;
}

/** a [..., M, K] @ b [..., K, N] with broadcast batch dims (both at least 2-D). */
export function refMatmul(a: Dense, b: Dense, transposeA = false, transposeB = false): Dense {
  const ar = a.shape.length;
  const br = b.shape.length;
  const m = a.shape[transposeA ? ar - 1 : ar - 2]!;
  const k = a.shape[transposeA ? ar - 2 : ar - 1]!;
  const n = b.shape[transposeB ? br - 2 : br - 1]!;
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const batch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = aBatch[aBatch.length - rank + i] ?? 1;
    const db = bBatch[bBatch.length - rank + i] ?? 1;
    batch.push(da === 1 ? db : da);
  }
  const values: number[] = [];
  const batchSize = sizeOf(batch);
  for (let p = 0; p < batchSize; p++) {
    const index = unravel(p, batch);
    const aOffset = batchOffset(index, aBatch) * m * k;
    const bOffset = batchOffset(index, bBatch) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let q = 0; q < k; q++) {
          const av = a.values[aOffset + (transposeA ? q * m + i : i * k + q)]!;
          const bv = b.values[bOffset + (transposeB ? j * k + q : q * n + j)]!;
          acc += av * bv;
        }
        values.push(acc);
      }
    }
  }
  return { shape: [...batch, m, n], values };
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let i = shape.length - 1; i >= 0; i--) {
    index[i] = flat % shape[i]!;
    flat = Math.floor(flat / shape[i]!);
  }
  return index;
}

/** Flat offset of a broadcast batch index into an operand's own (possibly shorter, size-1) batch dims. */
function batchOffset(index: readonly number[], own: readonly number[]): number {
  let offset = 0;
  const shift = index.length - own.length;
  own.forEach((d, i) => {
    offset = offset * d + (d === 1 ? 0 : index[i + shift]!);
  });
  return offset;
}

/** Window geometry shared by conv and pooling: stride [sh, sw], padding [top, bottom, left, right]. */
export interface Window {
  stride: readonly [number, number];
  padding: readonly [number, number, number, number];
  /** Convolutions only: spacing of kernel taps (default 1) and channel groups (default 1). */
  dilation?: readonly [number, number];
  groups?: number;
}

function outSize(inSize: number, k: number, s: number, before: number, after: number): number {
  return Math.floor((inSize + before + after - k) / s) + 1;
}

const at4 = (shape: readonly number[], a: number, b: number, c: number, d: number): number =>
  ((a * shape[1]! + b) * shape[2]! + c) * shape[3]! + d;

/**
 * Every product of a direct convolution of x [N, C, H, W] by w [O, C / groups, kH, kW] into y [N, O, oH, oW]:
 * `visit(xIndex, wIndex, yIndex)` once per in-image tap, in a plain seven-loop order.
 */
function forEachTap(
  xShape: readonly number[],
  wShape: readonly number[],
  yShape: readonly number[],
  { stride, padding, dilation = [1, 1], groups = 1 }: Window,
  visit: (xi: number, wi: number, yi: number) => void,
): void {
  const [n, , h, wd] = xShape as [number, number, number, number];
  const [o, cg, kh, kw] = wShape as [number, number, number, number];
  const [, , oh, ow] = yShape as [number, number, number, number];
  for (let b = 0; b < n; b++)
    for (let f = 0; f < o; f++) {
      const first = Math.floor(f / (o / groups)) * cg;
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++)
          for (let ch = 0; ch < cg; ch++)
            for (let u = 0; u < kh; u++)
              for (let v = 0; v < kw; v++) {
                const y = i * stride[0] - padding[0] + u * dilation[0];
                const z = j * stride[1] - padding[2] + v * dilation[1];
                if (y < 0 || y >= h || z < 0 || z >= wd) continue;
                visit(at4(xShape, b, first + ch, y, z), at4(wShape, f, ch, u, v), at4(yShape, b, f, i, j));
              }
    }
}

/** Direct convolution (cross-correlation): x [N, C, H, W], w [O, C / groups, kH, kW]. */
export function refConv2d(x: Dense, w: Dense, window: Window): Dense {
  const [n, , h, wd] = x.shape as [number, number, number, number];
  const [o, , kh, kw] = w.shape as [number, number, number, number];
  const [dh, dw] = window.dilation ?? [1, 1];
  const { stride, padding } = window;
  const oh = outSize(h, dh * (kh - 1) + 1, stride[0], padding[0], padding[1]);
  const ow = outSize(wd, dw * (kw - 1) + 1, stride[1], padding[2], padding[3]);
  const shape = [n, o, oh, ow];
  const values = new Array<number>(sizeOf(shape)).fill(0);
  forEachTap(x.shape, w.shape, shape, window, (xi, wi, yi) => {
    values[yi]! += x.values[xi]! * w.values[wi]!;
  });
  return { shape, values };
}

/** d(conv2d)/dx applied to dy: scatters every dy through the weights it was computed with. */
export function refConv2dBackpropInput(dy: Dense, w: Dense, xShape: readonly number[], window: Window): Dense {
  const values = new Array<number>(sizeOf(xShape)).fill(0);
  forEachTap(xShape, w.shape, dy.shape, window, (xi, wi, yi) => {
    values[xi]! += dy.values[yi]! * w.values[wi]!;
  });
  return { shape: [...xShape], values };
}

/** d(conv2d)/dw applied to dy. */
export function refConv2dBackpropFilter(x: Dense, dy: Dense, wShape: readonly number[], window: Window): Dense {
  const values = new Array<number>(sizeOf(wShape)).fill(0);
  forEachTap(x.shape, wShape, dy.shape, window, (xi, wi, yi) => {
    values[wi]! += dy.values[yi]! * x.values[xi]!;
  });
  return { shape: [...wShape], values };
}

/** A pooling window for the reference pooling: size, stride and padding. */
export interface PoolWindow extends Window {
  kernelSize: readonly [number, number];
}

/**
 * Visits every pooling window of x: `visit(outIndex, cells)` with the flat x indices of its in-image cells,
 * in row-major window order (padding cells are not part of any window's max, and count as zeros in averages).
 */
function forEachPoolWindow(
  xShape: readonly number[],
  p: PoolWindow,
  visit: (out: number, cells: number[]) => void,
): number[] {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const oh = outSize(h, p.kernelSize[0], p.stride[0], p.padding[0], p.padding[1]);
  const ow = outSize(w, p.kernelSize[1], p.stride[1], p.padding[2], p.padding[3]);
  const shape = [n, c, oh, ow];
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          const cells: number[] = [];
          for (let u = 0; u < p.kernelSize[0]; u++)
            for (let v = 0; v < p.kernelSize[1]; v++) {
              const y = i * p.stride[0] - p.padding[0] + u;
              const z = j * p.stride[1] - p.padding[2] + v;
              if (y >= 0 && y < h && z >= 0 && z < w) cells.push(at4(xShape, b, ch, y, z));
            }
          visit(at4(shape, b, ch, i, j), cells);
        }
  return shape;
}

/** Index (into `cells`) of the first maximum. */
function firstMax(values: readonly number[], cells: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < cells.length; i++) if (values[cells[i]!]! > values[cells[best]!]!) best = i;
  return best;
}

/** The reference max pooling of a dense NCHW array. */
export function refMaxPool(x: Dense, p: PoolWindow): Dense {
  const out: number[] = [];
  const shape = forEachPoolWindow(x.shape, p, (o, cells) => {
    out[o] = x.values[cells[firstMax(x.values, cells)]!]!;
  });
  return { shape, values: out };
}

/** The reference average pooling of a dense NCHW array. */
export function refAvgPool(x: Dense, p: PoolWindow): Dense {
  const area = p.kernelSize[0] * p.kernelSize[1];
  const out: number[] = [];
  const shape = forEachPoolWindow(x.shape, p, (o, cells) => {
    out[o] = cells.reduce((acc, i) => acc + x.values[i]!, 0) / area;
  });
  return { shape, values: out };
}

/** Routes each dy to the first maximum of its window; overlapping windows accumulate. */
export function refMaxPoolBackward(dy: Dense, x: Dense, p: PoolWindow): Dense {
  const values = new Array<number>(x.values.length).fill(0);
  forEachPoolWindow(x.shape, p, (o, cells) => {
    values[cells[firstMax(x.values, cells)]!]! += dy.values[o]!;
  });
  return { shape: [...x.shape], values };
}

/** Spreads each dy evenly over the full window area (padding included, so border cells get less). */
export function refAvgPoolBackward(dy: Dense, xShape: readonly number[], p: PoolWindow): Dense {
  const area = p.kernelSize[0] * p.kernelSize[1];
  const values = new Array<number>(sizeOf(xShape)).fill(0);
  forEachPoolWindow(xShape, p, (o, cells) => {
    for (const i of cells) values[i]! += dy.values[o]! / area;
  });
  return { shape: [...xShape], values };
}

/** Applies `f` to every element. */
export function mapDense(d: Dense, f: (v: number, i: number) => number): Dense {
  return { shape: [...d.shape], values: d.values.map(f) };
}

/** Transposes by `perm`. */
export function refTranspose(d: Dense, perm: readonly number[]): Dense {
  const shape = perm.map((p) => d.shape[p]!);
  const values = new Array<number>(d.values.length);
  for (let flat = 0; flat < d.values.length; flat++) {
    const index = unravel(flat, d.shape);
    let target = 0;
    perm.forEach((p, i) => {
      target = target * shape[i]! + index[p]!;
    });
    values[target] = d.values[flat]!;
  }
  return { shape, values };
}

/** Row-wise softmax / logSoftmax of a [rows, cols] matrix, in float64. */
export function refSoftmaxRows(d: Dense, log = false): Dense {
  const cols = d.shape[d.shape.length - 1]!;
  const values: number[] = [];
  for (let r = 0; r < d.values.length / cols; r++) {
    const row = d.values.slice(r * cols, (r + 1) * cols);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((acc, v) => acc + Math.exp(v - m), 0));
    for (const v of row) values.push(log ? v - lse : Math.exp(v - lse));
  }
  return { shape: [...d.shape], values };
}
