/**
 * Fused attention in wasm (assembly/attention.ts: the GEMM on blocks of scores, SIMD softmax): the forward pass is
 * cut by query rows, the backward by batch entries (each entry's dk and dv are its own), over the backend's threads;
 * each thread keeps one block of scores (and of their gradients) in its work buffer. The operands and sizes go to
 * wasm as one AttentionArgs block that every call reads.
 */
import type { TensorInfo } from '@nn/tensor';
import type { KernelFn } from '@nn/tensor/backend';
import type { WasmBackend } from '../backend';
import { sizeOf } from '../strided';
import { callsFor, parallelThresholds, splitRange } from './parallel';

/** Mask kinds of assembly/attention.ts: none, int32 keep-where-nonzero, additive float32. */
const MASK_NONE = 0;
const MASK_KEEP = 1;
const MASK_ADD = 2;
/** Words of an AttentionArgs; `scale` (a float32) is word SCALE_WORD. */
const ARGS_WORDS = 17;
const SCALE_WORD = 13;

/** [batch, L, S, E, Ev] of q [..., L, E] and v [..., S, Ev]. */
function dims(q: TensorInfo, v: TensorInfo): [number, number, number, number, number] {
  const r = q.shape.length;
  return [sizeOf(q.shape.slice(0, -2)), q.shape[r - 2]!, v.shape[r - 2]!, q.shape[r - 1]!, v.shape[r - 1]!];
}

/**
 * Query rows per block of scores: up to 64, fewer for long key sequences so that a block (block x S floats) stays
 * about 64 KiB, at least 4. Causal: at most CAUSAL_BLOCK, since a block scores only the keys up to its last row (the
 * smaller the block, the less of the masked upper triangle it computes).
 */
function blockRows(L: number, S: number, causal: boolean): number {
  const rows = Math.max(4, Math.min(causal ? CAUSAL_BLOCK : 64, Math.floor(16384 / Math.max(1, S))));
  return Math.max(1, Math.min(L, rows));
}

/** Query rows per block under a causal mask: 16 (char-GPT's [12, 4, 64, 32] heads: 8 and 32 were no faster). */
const CAUSAL_BLOCK = 16;

interface Operands {
  q: TensorInfo;
  k: TensorInfo;
  v: TensorInfo;
  mask?: TensorInfo | undefined;
  out?: number;
  dy?: TensorInfo;
  grads?: readonly [number, number, number];
}

/**
 * Runs `fn` with an AttentionArgs block written into wasm memory (freed afterwards); `fn` gets its pointer, the
 * dimensions and the block size.
 */
function withArgs<R>(
  backend: WasmBackend,
  { q, k, v, mask, out = 0, dy, grads = [0, 0, 0] }: Operands,
  scale: number,
  causal: boolean,
  fn: (args: number, dims: [number, number, number, number, number], block: number) => R,
): R {
  const [batch, L, S, E, Ev] = dims(q, v);
  const block = blockRows(L, S, causal);
  const kind = mask === undefined ? MASK_NONE : mask.dtype === 'int32' ? MASK_KEEP : MASK_ADD;
  const ptr = (t: TensorInfo | undefined) => (t === undefined ? 0 : backend.ptr(t));
  // biome-ignore format: the fields of AttentionArgs in order
  const words = [
    ptr(q), ptr(k), ptr(v), ptr(mask), out, ptr(dy), ...grads,
    L, S, E, Ev, 0, causal ? 1 : 0, kind, block,
  ];
  return backend.withTemp(ARGS_WORDS * 4, (args) => {
    backend.heap.i32.set(words, args >>> 2);
    backend.heap.f32[(args >>> 2) + SCALE_WORD] = scale;
    return fn(args, [batch, L, S, E, Ev], block);
  });
}

const attention: KernelFn<'Attention'> = ({ inputs: { q, k, v, mask }, attrs, outputs: [y], backend }) => {
  const wasm = backend as WasmBackend;
  const { info, data } = wasm.output(y.shape, y.dtype);
  withArgs(wasm, { q, k, v, mask, out: data.ptr }, attrs.scale, attrs.causal, (args, [batch, L, S, E, Ev], block) => {
    const rows = batch * L;
    const workBytes = Math.max(16, block * S * 4);
    const calls = callsFor(wasm, rows * S * (E + Ev), parallelThresholds.gemmMacs);
    if (calls === 1) {
      wasm.withTemp(workBytes, (work) => wasm.exports.attention(args, work, wasm.gemmScratch(), 0, rows));
      return;
    }
    // Runs of whole blocks of each batch entry, so every row is computed in the block (with the same sums) it has
    // on one thread.
    const perEntry = Math.ceil(L / block);
    const rowOf = (unit: number) => Math.floor(unit / perEntry) * L + Math.min(L, (unit % perEntry) * block);
    const runs = splitRange(batch * perEntry, calls).map(([u, n]) => [rowOf(u), rowOf(u + n) - rowOf(u)]);
    wasm.parallel(
      runs.map(([start, count]) => ({
        fn: 'attention',
        args: [args, 0, 0, start!, count!],
        workArg: 1,
        scratchArg: 2,
      })),
      workBytes,
    );
  });
  return info;
};

const attentionBackward: KernelFn<'AttentionBackward'> = ({ inputs, attrs, outputs, backend }) => {
  const wasm = backend as WasmBackend;
  const [dq, dk, dv] = outputs.map((o) => wasm.output(o.shape, o.dtype)) as [
    ReturnType<WasmBackend['output']>,
    ReturnType<WasmBackend['output']>,
    ReturnType<WasmBackend['output']>,
  ];
  const grads = [dq.data.ptr, dk.data.ptr, dv.data.ptr] as const;
  withArgs(wasm, { ...inputs, grads }, attrs.scale, attrs.causal, (args, [batch, L, S, E, Ev], block) => {
    const workBytes = Math.max(16, 2 * block * S * 4);
    const calls = Math.min(batch, callsFor(wasm, batch * L * S * (E + Ev), parallelThresholds.gemmMacs));
    if (calls <= 1) {
      wasm.withTemp(workBytes, (work) => wasm.exports.attentionBackward(args, work, wasm.gemmScratch(), 0, batch));
      return;
    }
    const runs = splitRange(batch, calls);
    wasm.parallel(
      runs.map(([start, count]) => ({
        fn: 'attentionBackward',
        args: [args, 0, 0, start, count],
        workArg: 1,
        scratchArg: 2,
      })),
      workBytes,
    );
  });
  return [dq.info, dk.info, dv.info] as const;
};

export const attentionKernels = { Attention: attention, AttentionBackward: attentionBackward };
