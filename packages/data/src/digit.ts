import { ShapeError, type Tensor } from '@nn/tensor';
import { fromTensor, type HostTensor, toTensor } from './host';
import { resizeChannel } from './resize';

/** Tunables of preprocessDigit; the defaults reproduce MNIST's own preprocessing. */
export interface PreprocessDigitOptions {
  /** Output side (default 28). */
  size?: number;
  /** Side of the box the digit is scaled to fit (default 20). */
  box?: number;
  /** Ink level (0..1, after background removal) a pixel needs to count towards the bounding box (default 0.1). */
  threshold?: number;
}

/**
 * Turns any digit photo or drawing into an MNIST-style [N, 1, 28, 28] float32 image: grayscale, white ink on
 * black, cropped to the ink, scaled to fit 20x20 keeping the aspect ratio (anti-aliased), and centred by centre
 * of mass. Accepts [H, W], [C, H, W] or [N, C, H, W] with C = 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA);
 * values in [0, 1] or 0..255. A blank image gives all zeros.
 * @example const x = preprocessDigit(await imageToTensor('digit.png')); model.forward(x).argmax(1)
 */
export function preprocessDigit(img: Tensor, options: PreprocessDigitOptions = {}): Tensor {
  return toTensor(preprocessDigitHost(fromTensor(img), options));
}

/** preprocessDigit on host data. */
export function preprocessDigitHost(img: HostTensor, options: PreprocessDigitOptions = {}): HostTensor {
  const size = options.size ?? 28;
  const box = options.box ?? 20;
  const threshold = options.threshold ?? 0.1;
  const { n, channels, height, width } = interpretShape(img.shape);
  const plane = height * width;
  const scale = valueScale(img.data);
  const out = new Float32Array(n * size * size);
  for (let i = 0; i < n; i++) {
    const start = i * channels * plane;
    const channelData = (c: number) => img.data.subarray(start + c * plane, start + (c + 1) * plane);
    const grey = toGrey(channelData, channels, plane, scale);
    const ink = toInk(grey, height, width);
    if (ink === undefined) continue; // blank: leave zeros
    placeDigit(ink, height, width, out.subarray(i * size * size, (i + 1) * size * size), size, box, threshold);
  }
  return { data: out, shape: [n, 1, size, size], dtype: 'float32' };
}

function interpretShape(shape: readonly number[]) {
  const dims = shape.length === 2 ? [1, 1, ...shape] : shape.length === 3 ? [1, ...shape] : [...shape];
  const [n, channels, height, width] = dims;
  if (dims.length !== 4 || n === undefined || channels === undefined || height === undefined || width === undefined) {
    throw new ShapeError(`preprocessDigit: expected [H,W], [C,H,W] or [N,C,H,W], got [${shape.join(',')}]`);
  }
  if (channels < 1 || channels > 4) {
    throw new ShapeError(`preprocessDigit: expected 1-4 channels (grey, grey+alpha, RGB, RGBA), got [${shape}]`);
  }
  if (height < 1 || width < 1) throw new ShapeError(`preprocessDigit: empty image [${shape.join(',')}]`);
  return { n, channels, height, width };
}

/** Images in 0..255 are scaled to [0, 1]. */
function valueScale(data: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < data.length; i++) if (data[i]! > max) max = data[i]!;
  return max <= 1 ? 1 : max <= 255 ? 1 / 255 : 1 / max;
}

/**
 * Luminance, with transparent areas composited onto the background the strokes are not: a transparent canvas
 * with dark strokes is put on white, one with light strokes on black.
 */
function toGrey(channel: (c: number) => ArrayLike<number>, channels: number, plane: number, scale: number) {
  const grey = new Float32Array(plane);
  const colour = channels >= 3;
  const r = channel(0);
  const g = colour ? channel(1) : r;
  const b = colour ? channel(2) : r;
  for (let p = 0; p < plane; p++) grey[p] = (0.299 * r[p]! + 0.587 * g[p]! + 0.114 * b[p]!) * scale;
  if (channels !== 2 && channels !== 4) return grey;
  const alpha = channel(channels - 1);
  let weighted = 0;
  let total = 0;
  let opaque = true;
  for (let p = 0; p < plane; p++) {
    const a = alpha[p]! * scale;
    if (a < 0.999) opaque = false;
    weighted += a * grey[p]!;
    total += a;
  }
  if (opaque) return grey;
  const background = total > 0 && weighted / total < 0.5 ? 1 : 0;
  for (let p = 0; p < plane; p++) {
    const a = alpha[p]! * scale;
    grey[p] = a * grey[p]! + (1 - a) * background;
  }
  return grey;
}

/**
 * Ink in [0, 1] on a 0 background: the background level is the median of the border pixels; a light background
 * means dark ink, so the image is inverted. Contrast is stretched so the strongest ink is 1. Blank -> undefined.
 */
function toInk(grey: Float32Array, height: number, width: number): Float32Array | undefined {
  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(grey[x]!, grey[(height - 1) * width + x]!);
  for (let y = 1; y < height - 1; y++) border.push(grey[y * width]!, grey[y * width + width - 1]!);
  border.sort((a, b) => a - b);
  const background = border[Math.floor(border.length / 2)]!;
  const invert = background > 0.5;
  const ink = new Float32Array(grey.length);
  let max = 0;
  for (let p = 0; p < grey.length; p++) {
    const v = invert ? background - grey[p]! : grey[p]! - background;
    ink[p] = v;
    if (v > max) max = v;
  }
  if (max < 0.1) return undefined;
  for (let p = 0; p < ink.length; p++) ink[p] = Math.min(1, Math.max(0, ink[p]! / max));
  return ink;
}

/** Crops to the ink, fits it in box x box keeping the aspect ratio, and centres it by centre of mass. */
function placeDigit(
  ink: Float32Array,
  height: number,
  width: number,
  out: Float32Array,
  size: number,
  box: number,
  threshold: number,
): void {
  let top = height;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! <= threshold) continue;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
      if (x < left) left = x;
      if (x > right) right = x;
    }
  }
  if (bottom < 0) return;
  const cropH = bottom - top + 1;
  const cropW = right - left + 1;
  const crop = new Float32Array(cropH * cropW);
  for (let y = 0; y < cropH; y++)
    crop.set(ink.subarray((top + y) * width + left, (top + y) * width + right + 1), y * cropW);
  const factor = box / Math.max(cropH, cropW);
  const newH = Math.max(1, Math.min(box, Math.round(cropH * factor)));
  const newW = Math.max(1, Math.min(box, Math.round(cropW * factor)));
  const digit = resizeChannel(crop, cropH, cropW, newH, newW);
  let mass = 0;
  let sumX = 0;
  let sumY = 0;
  for (let y = 0; y < newH; y++) {
    for (let x = 0; x < newW; x++) {
      const v = digit[y * newW + x]!;
      mass += v;
      sumX += v * x;
      sumY += v * y;
    }
  }
  if (mass <= 0) return;
  // MNIST puts the centre of mass at (14, 14) in pixel-index coordinates; stay inside the frame.
  const centre = size / 2;
  const offsetX = clamp(Math.round(centre - sumX / mass), 0, size - newW);
  const offsetY = clamp(Math.round(centre - sumY / mass), 0, size - newH);
  for (let y = 0; y < newH; y++) {
    for (let x = 0; x < newW; x++) out[(offsetY + y) * size + offsetX + x] = Math.min(1, digit[y * newW + x]!);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
