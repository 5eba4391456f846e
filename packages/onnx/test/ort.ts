/** Runs ONNX bytes in ONNX Runtime (onnxruntime-node, CPU) and compares with @nn. */
import type { Tensor } from '@nn/tensor';
import * as ort from 'onnxruntime-node';

/** ONNX Runtime's outputs for float32 inputs, by output name. */
export async function runOrt(
  bytes: Uint8Array,
  feeds: Record<string, Tensor>,
): Promise<Record<string, { dims: readonly number[]; data: Float32Array }>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      ortFeeds[name] =
        t.dtype === 'int32'
          ? new ort.Tensor('int32', t.dataSync() as Int32Array, t.shape)
          : new ort.Tensor('float32', Float32Array.from(t.dataSync()), t.shape);
    }
    const results = await session.run(ortFeeds);
    const out: Record<string, { dims: readonly number[]; data: Float32Array }> = {};
    for (const [name, value] of Object.entries(results))
      out[name] = { dims: value.dims, data: Float32Array.from(value.data as Float32Array) };
    return out;
  } finally {
    await session.release();
  }
}

/** The largest absolute difference between two arrays of the same length. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
