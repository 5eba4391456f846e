// Indexing kernels computed in wasm: ScatterAdd (Gather and OneHot are copies the JS side does in the heap).
import { toInt32 } from './int32';

/**
 * out[o, indices[i], j] += updates[o, i, j] over an [outer, count, inner] view of `updates` into an
 * [outer, size, inner] output, float32 or (`int`) int32. Sums accumulate in f64 at `acc` (outer * size * inner
 * f64s), as the reference does, so repeated indices round once and int32 sums wrap once, on the final store.
 * Indices are in [0, size) (the op checks them).
 */
export function scatterAdd(
  int: bool, updates: usize, indices: usize, out: usize, outer: i32, count: i32, inner: i32, size: i32, acc: usize,
): void {
  const total = <usize>(outer * size * inner);
  memory.fill(acc, 0, total << 3);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < count; i++) {
      const dst = acc + (<usize>((o * size + load<i32>(indices + (<usize>i << 2))) * inner) << 3);
      const src = updates + (<usize>((o * count + i) * inner) << 2);
      for (let j = 0; j < inner; j++) {
        const a = dst + (<usize>j << 3);
        const v = int ? <f64>load<i32>(src + (<usize>j << 2)) : <f64>load<f32>(src + (<usize>j << 2));
        store<f64>(a, load<f64>(a) + v);
      }
    }
  }
  for (let k: usize = 0; k < total; k++) {
    const sum = load<f64>(acc + (k << 3));
    if (int) store<i32>(out + (k << 2), toInt32(sum));
    else store<f32>(out + (k << 2), <f32>sum);
  }
}
