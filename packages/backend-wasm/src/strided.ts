/**
 * Walking tensors through strides (broadcasts, transposes, slices) in runs as long as possible. The same
 * idea as the CPU backend's helpers, which @nn/tensor does not export; here offsets are in elements of the
 * wasm heap and a run is handed to a wasm kernel (or the whole walk is, for copies).
 */
import type { Shape } from '@nn/tensor';
import type { WasmBackend } from './backend';

export interface StridedLayout {
  /** Collapsed shape: no size-1 axes, neighbours every input walks contiguously merged. */
  shape: number[];
  /** Per input, its strides over the collapsed shape. */
  strides: number[][];
}

export function collapseAxes(shape: Shape, strides: readonly (readonly number[])[]): StridedLayout {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let axis = 0; axis < shape.length; axis++) {
    const dim = shape[axis]!;
    if (dim === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[axis]! * dim)) {
      outShape[last] = outShape[last]! * dim;
      strides.forEach((s, k) => {
        outStrides[k]![last] = s[axis]!;
      });
    } else {
      outShape.push(dim);
      strides.forEach((s, k) => {
        outStrides[k]!.push(s[axis]!);
      });
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** Innermost step of input k (0 for a rank-0 layout). */
export function innerStep(layout: StridedLayout, k: number): number {
  return layout.strides[k]![layout.shape.length - 1] ?? 0;
}

/**
 * Calls run(offsets, outOffset, length) per innermost run of a row-major walk over `layout.shape`;
 * `offsets` (reused) says where each input's run starts. Size 0 calls nothing; rank 0 one run of 1.
 */
export function forEachRun(
  layout: StridedLayout,
  run: (offsets: readonly number[], outOffset: number, length: number) => void,
): void {
  const { shape, strides } = layout;
  const rank = shape.length;
  if (shape.some((d) => d === 0)) return;
  const offsets = strides.map(() => 0);
  if (rank === 0) {
    run(offsets, 0, 1);
    return;
  }
  const length = shape[rank - 1]!;
  const index = new Array<number>(rank - 1).fill(0);
  let outOffset = 0;
  for (;;) {
    run(offsets, outOffset, length);
    outOffset += length;
    let axis = rank - 2;
    for (; axis >= 0; axis--) {
      const i = index[axis]! + 1;
      if (i < shape[axis]!) {
        index[axis] = i;
        for (let k = 0; k < offsets.length; k++) offsets[k] = offsets[k]! + strides[k]![axis]!;
        break;
      }
      index[axis] = 0;
      for (let k = 0; k < offsets.length; k++) offsets[k] = offsets[k]! - (i - 1) * strides[k]![axis]!;
    }
    if (axis < 0) return;
  }
}

/**
 * Word dst + i = word src + (strided index i) over `shape`, for 32-bit words (bit-exact for float32 and
 * int32), in one wasm call. Offsets and strides are in elements; `dstStrides` lets the destination be a
 * sub-block of a larger tensor (concat, pad); default contiguous.
 */
export function stridedCopy(
  backend: WasmBackend,
  src: number,
  srcStrides: readonly number[],
  shape: Shape,
  dst: number,
  dstStrides: readonly number[] = contiguousStrides(shape),
): void {
  const layout = collapseAxes(shape, [srcStrides, dstStrides]);
  const rank = layout.shape.length;
  if (layout.shape.some((d) => d === 0)) return;
  if (rank === 0) {
    const words = backend.heap.i32;
    words[dst] = words[src]!;
    return;
  }
  backend.withTemp(rank * 16, (meta) => {
    const words = backend.heap.i32;
    const at = meta >> 2;
    words.set(layout.shape, at);
    words.set(layout.strides[0]!, at + rank);
    words.set(layout.strides[1]!, at + 2 * rank);
    backend.exports.stridedCopy(src * 4, dst * 4, rank, meta);
  });
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  return strides;
}

/** NumPy broadcasting: the strides that read `inShape` as `outShape` (0 on broadcast axes). */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const inStrides = contiguousStrides(inShape);
  const offset = outShape.length - inShape.length;
  return outShape.map((_, axis) => {
    const i = axis - offset;
    return i < 0 || inShape[i] === 1 ? 0 : inStrides[i]!;
  });
}

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}
