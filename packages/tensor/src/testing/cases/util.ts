/** Small inputs and helpers shared by the case families. */
import { type Tensor, tensor } from '@nn/tensor';
import type { Window } from '../reference';
import type { ConformanceCase } from '../types';

export const int = (values: number[][] | number[]): Tensor => tensor(values, undefined, 'int32');

/** [[1, 2, 3], [4, 5, 6]] */
export const m23 = (): Tensor =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

/** 1..24 in shape [2, 3, 4]. */
export const cube = (): Tensor =>
  tensor(
    Array.from({ length: 24 }, (_, i) => i + 1),
    [2, 3, 4],
  );

/** 1..16 in shape [1, 1, 4, 4]. */
export const x4x4 = (): Tensor =>
  tensor(
    Array.from({ length: 16 }, (_, i) => i + 1),
    [1, 1, 4, 4],
  );

/** Shape ops move values without arithmetic: every case given here must match exactly. */
export function exactAll(cases: Omit<ConformanceCase, 'tolerance'>[]): ConformanceCase[] {
  return cases.map((c) => ({ ...c, tolerance: 'exact' }));
}

/** NCHW output shape of a window of size k sliding over x with `stride` and `padding`. */
export function windowOutShape(
  xShape: readonly number[],
  k: readonly [number, number],
  { stride, padding }: Window,
  channels: number,
): number[] {
  const oh = Math.floor((xShape[2]! + padding[0] + padding[1] - k[0]) / stride[0]) + 1;
  const ow = Math.floor((xShape[3]! + padding[2] + padding[3] - k[1]) / stride[1]) + 1;
  return [xShape[0]!, channels, oh, ow];
}
