/**
 * Index plumbing shared by the kernels that read inputs through strides (broadcasting, transposes):
 * axis collapsing so the innermost loop is as long as possible, and a walk over innermost runs.
 */
import type { Shape, TypedArray } from '../../types';

/** A broadcast elementwise loop reduced to the fewest axes, with each input's strides. */
export interface StridedLayout {
  /** The collapsed output shape (no size-1 axes, adjacent compatible axes merged). */
  shape: number[];
  /** For each input, its strides over the collapsed shape. */
  strides: number[][];
}

/**
 * Drops size-1 axes and merges neighbours that every input walks contiguously, so that
 * `[64, 32] + [64, 32]` becomes one run of 2048 and `[8, 1, 5] + [5]` one loop of 8 runs of 5.
 */
export function collapseAxes(shape: Shape, strides: readonly (readonly number[])[]): StridedLayout {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let axis = 0; axis < shape.length; axis++) {
    const dim = shape[axis]!;
    if (dim === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[axis]! * dim);
    if (mergeable) {
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

/**
 * Calls `run(offsets, outOffset, length)` once per innermost run of a row-major walk over `layout.shape`.
 * `offsets[k]` is where input k's run starts; within a run input k advances by `layout.strides[k][last]`.
 * `offsets` is reused between calls. A size-0 shape calls nothing; a rank-0 shape one run of length 1.
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
    // Odometer over the outer axes, adjusting each input's offset incrementally.
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

/** Copies `src` read through `srcStrides` (one per axis of `shape`) into the contiguous `out`. */
export function stridedCopy(
  src: TypedArray,
  srcOffset: number,
  srcStrides: readonly number[],
  shape: Shape,
  out: TypedArray,
) {
  const layout = collapseAxes(shape, [srcStrides]);
  const step = layout.strides[0]![layout.shape.length - 1] ?? 1;
  forEachRun(layout, (offsets, outOffset, length) => {
    const start = srcOffset + offsets[0]!;
    if (step === 1) {
      out.set(src.subarray(start, start + length), outOffset);
    } else if (step === 0) {
      out.fill(src[start]!, outOffset, outOffset + length);
    } else {
      for (let i = 0, s = start; i < length; i++, s += step) out[outOffset + i] = src[s]!;
    }
  });
}
