/**
 * Resamples a single-channel image (row-major, height x width) to a new size. Each axis is handled on its own:
 * area averaging (an exact box filter, so no aliasing) when shrinking, bilinear interpolation when enlarging.
 */
export function resizeChannel(
  src: Float32Array,
  height: number,
  width: number,
  newHeight: number,
  newWidth: number,
): Float32Array {
  // Rows first (along x), then columns (along y).
  const horizontal = new Float32Array(height * newWidth);
  const xWeights = axisWeights(width, newWidth);
  for (let y = 0; y < height; y++) applyWeights(src, y * width, 1, horizontal, y * newWidth, 1, xWeights);
  const out = new Float32Array(newHeight * newWidth);
  const yWeights = axisWeights(height, newHeight);
  for (let x = 0; x < newWidth; x++) applyWeights(horizontal, x, newWidth, out, x, newWidth, yWeights);
  return out;
}

/** For each output position: the source indices and weights that contribute to it. */
interface Taps {
  index: Int32Array;
  weight: Float32Array;
  start: Int32Array; // taps of output j are start[j] .. start[j + 1] - 1
}

function axisWeights(from: number, to: number): Taps {
  const index: number[] = [];
  const weight: number[] = [];
  const start = new Int32Array(to + 1);
  const scale = from / to;
  for (let j = 0; j < to; j++) {
    start[j] = index.length;
    if (to < from) {
      // Output pixel j covers [j * scale, (j + 1) * scale) of the source: average with fractional coverage.
      const lo = j * scale;
      const hi = lo + scale;
      for (let i = Math.floor(lo); i < Math.min(Math.ceil(hi), from); i++) {
        const overlap = Math.min(hi, i + 1) - Math.max(lo, i);
        if (overlap > 0) {
          index.push(i);
          weight.push(overlap / scale);
        }
      }
    } else {
      // Pixel centres line up: output centre j + 0.5 maps to source position (j + 0.5) * scale - 0.5.
      const pos = Math.min(Math.max((j + 0.5) * scale - 0.5, 0), from - 1);
      const i0 = Math.floor(pos);
      const t = pos - i0;
      index.push(i0);
      weight.push(1 - t);
      if (t > 0) {
        index.push(i0 + 1);
        weight.push(t);
      }
    }
  }
  start[to] = index.length;
  return { index: Int32Array.from(index), weight: Float32Array.from(weight), start };
}

function applyWeights(
  src: Float32Array,
  srcOffset: number,
  srcStride: number,
  dst: Float32Array,
  dstOffset: number,
  dstStride: number,
  taps: Taps,
): void {
  const outLength = taps.start.length - 1;
  for (let j = 0; j < outLength; j++) {
    let sum = 0;
    for (let k = taps.start[j]!; k < taps.start[j + 1]!; k++) {
      sum += taps.weight[k]! * src[srcOffset + taps.index[k]! * srcStride]!;
    }
    dst[dstOffset + j * dstStride] = sum;
  }
}
