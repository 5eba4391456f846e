/**
 * Walking tensors through strides (broadcasts, transposes, slices) in runs as long as possible: the CPU
 * backend's walk (from @nn/tensor/backend), with offsets in elements of the wasm heap; a run is handed to
 * a wasm kernel (or the whole walk is, for copies).
 */
import type { Shape } from '@nn/tensor';
import { collapseAxes, stridesOf as contiguousStrides, type StridedLayout } from '@nn/tensor/backend';
import type { WasmBackend } from './backend';

export {
  broadcastStrides,
  collapseAxes,
  forEachRun,
  type StridedLayout,
  sizeOf,
  stridesOf as contiguousStrides,
} from '@nn/tensor/backend';

/** Innermost step of input k (0 for a rank-0 layout). */
export function innerStep(layout: StridedLayout, k: number): number {
  return layout.strides[k]![layout.shape.length - 1] ?? 0;
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
    const at = meta >>> 2;
    words.set(layout.shape, at);
    words.set(layout.strides[0]!, at + rank);
    words.set(layout.strides[1]!, at + 2 * rank);
    backend.exports.stridedCopy(src * 4, dst * 4, rank, meta);
  });
}
