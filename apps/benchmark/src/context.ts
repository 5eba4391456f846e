/** What every workload needs to know: which libraries are present and the sizes to use. */
import { Generator } from '@nn/tensor';
import type { Library } from './peers/library';
import type { NnBackend } from './peers/nn';
import type { TfBackend } from './peers/tfjs';

export interface BenchContext {
  quick: boolean;
  nn: NnBackend[];
  tfjs: TfBackend[];
  /** Every library that can build models (the @nn backends, tfjs backends, convnetjs, brain.js). */
  libraries: Library[];
  /** A training cell trains at most about this many seconds; slower libraries train a partial epoch. */
  trainBudgetSeconds: number;
  log: (line: string) => void;
}

/** The same pseudo-random inputs for every library: normal(0, scale) from a fixed seed. */
export function seededData(size: number, seed: number, scale = 1): Float32Array {
  const generator = new Generator(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = generator.normal() * scale;
  return out;
}

/** NCHW -> NHWC (TensorFlow.js's layout), for the same values in the peer's layout. */
export function nchwToNhwc(data: Float32Array, [n, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let y = 0; y < h!; y++)
        for (let x = 0; x < w!; x++) out[((b * h! + y) * w! + x) * c! + ch] = data[((b * c! + ch) * h! + y) * w! + x]!;
  return out;
}

export function nhwcToNchw(data: ArrayLike<number>, [n, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let y = 0; y < h!; y++)
        for (let x = 0; x < w!; x++) out[((b * c! + ch) * h! + y) * w! + x] = data[((b * h! + y) * w! + x) * c! + ch]!;
  return out;
}

/** [outC, inC, kH, kW] -> [kH, kW, inC, outC] (TensorFlow.js's filter layout). */
export function oihwToHwio(data: Float32Array, [o, i, kh, kw]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let a = 0; a < o!; a++)
    for (let b = 0; b < i!; b++)
      for (let y = 0; y < kh!; y++)
        for (let x = 0; x < kw!; x++)
          out[((y * kw! + x) * i! + b) * o! + a] = data[((a * i! + b) * kh! + y) * kw! + x]!;
  return out;
}

export function hwioToOihw(data: ArrayLike<number>, [o, i, kh, kw]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let a = 0; a < o!; a++)
    for (let b = 0; b < i!; b++)
      for (let y = 0; y < kh!; y++)
        for (let x = 0; x < kw!; x++)
          out[((a * i! + b) * kh! + y) * kw! + x] = data[((y * kw! + x) * i! + b) * o! + a]!;
  return out;
}
