/** Selection: the order of the values along the last axis. */
import { type KernelFn, outputInfo } from '../../backend/interface';
import type { TypedArray } from '../../types';

/** Ascending order of row[base + i] with NaN last and ties by index: a total order, so any sort gives one result. */
function ascending(values: TypedArray, base: number) {
  return (i: number, j: number): number => {
    const a = values[base + i]!;
    const b = values[base + j]!;
    if (a < b) return -1;
    if (a > b) return 1;
    const nanA = Number.isNaN(a);
    if (nanA !== Number.isNaN(b)) return nanA ? 1 : -1;
    return i - j;
  };
}

/** Descending order with NaN first and ties still by index (torch.sort(descending=True, stable=True)). */
function descending(values: TypedArray, base: number) {
  return (i: number, j: number): number => {
    const a = values[base + i]!;
    const b = values[base + j]!;
    if (a > b) return -1;
    if (a < b) return 1;
    const nanA = Number.isNaN(a);
    if (nanA !== Number.isNaN(b)) return nanA ? -1 : 1;
    return i - j;
  };
}

const topK: KernelFn<'TopK'> = ({ inputs: { x }, attrs: { k, largest }, outputs: [{ shape }], backend }) => {
  const values = backend.readSync(x.dataId);
  const n = x.shape[x.shape.length - 1]!;
  const rows = n === 0 ? 0 : values.length / n;
  const out = new Int32Array(rows * k);
  const order = new Int32Array(n);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort(largest ? descending(values, r * n) : ascending(values, r * n));
    out.set(order.subarray(0, k), r * k);
  }
  return outputInfo(backend, out, shape, 'int32');
};

export const selectionKernels = { TopK: topK };
