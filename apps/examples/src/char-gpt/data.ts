/**
 * tinyshakespeare as nanoGPT's data/shakespeare_char/prepare.py makes it: the sorted set of characters is the
 * vocabulary, the first 90% of the text trains and the last 10% validates; get_batch takes random windows.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Generator, type Tensor, tensor } from '@nn/tensor';

/** The corpus, committed next to the examples (1,115,394 bytes; nothing downloads at run time). */
export const SHAKESPEARE_PATH = fileURLToPath(new URL('../../data/tinyshakespeare.txt', import.meta.url));

export interface CharData {
  /** The characters, sorted; a character's id is its index. */
  chars: string[];
  train: Int32Array;
  val: Int32Array;
  encode(text: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
}

/** Reads the text and splits it 90/10 (nanoGPT's `n = len(data); train = data[:int(n*0.9)]`). */
export function loadShakespeare(path = SHAKESPEARE_PATH): CharData {
  const text = readFileSync(path, 'utf8');
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  const encode = (s: string) => Int32Array.from(s, (c) => index.get(c)!);
  const ids = encode(text);
  const n = Math.floor(ids.length * 0.9);
  return {
    chars,
    train: ids.subarray(0, n),
    val: ids.subarray(n),
    encode,
    decode: (values) => Array.from(values, (i) => chars[i]!).join(''),
  };
}

/** `batchSize` random windows of `blockSize` ids and the same windows shifted by one, as flat [B * T] ids. */
export function batchIds(
  data: Int32Array,
  batchSize: number,
  blockSize: number,
  generator: Generator,
): { x: Int32Array; y: Int32Array } {
  const x = new Int32Array(batchSize * blockSize);
  const y = new Int32Array(batchSize * blockSize);
  for (let b = 0; b < batchSize; b++) {
    // torch.randint(len(data) - block_size, ...): a start in [0, len - blockSize).
    const start = generator.int(data.length - blockSize);
    x.set(data.subarray(start, start + blockSize), b * blockSize);
    y.set(data.subarray(start + 1, start + 1 + blockSize), b * blockSize);
  }
  return { x, y };
}

/** nanoGPT's get_batch: `batchIds` as int32 tensors x, y [B, T]. */
export function getBatch(
  data: Int32Array,
  batchSize: number,
  blockSize: number,
  generator: Generator,
): { x: Tensor; y: Tensor } {
  const { x, y } = batchIds(data, batchSize, blockSize, generator);
  return { x: tensor(x, [batchSize, blockSize], 'int32'), y: tensor(y, [batchSize, blockSize], 'int32') };
}

/**
 * The whole split as consecutive, non-overlapping windows of `blockSize` ids (x) and the same shifted by one (y),
 * `batchSize` windows per batch (the last batch may be smaller): every id of the split is predicted once.
 */
export function* sequentialBatches(
  data: Int32Array,
  batchSize: number,
  blockSize: number,
): IterableIterator<{ x: Tensor; y: Tensor }> {
  const windows = Math.floor((data.length - 1) / blockSize);
  for (let first = 0; first < windows; first += batchSize) {
    const count = Math.min(batchSize, windows - first);
    const x = data.subarray(first * blockSize, (first + count) * blockSize);
    const y = data.subarray(first * blockSize + 1, (first + count) * blockSize + 1);
    yield { x: tensor(x, [count, blockSize], 'int32'), y: tensor(y, [count, blockSize], 'int32') };
  }
}
