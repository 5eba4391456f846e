/**
 * The one WebAssembly.Memory every tensor of the backend lives in, and its allocator.
 *
 * Blocks are 16-byte aligned (SIMD loads) and rounded up to size classes: exact multiples of 16 bytes up to
 * 1 KiB, then four classes per power of two (at most 25% slack). Freed blocks go on a free list per class
 * and are reused first; training repeats the same shapes every step, so after the first step nearly every
 * allocation is a reuse. New blocks come from a bump pointer; the memory grows (by at least half its size)
 * when that runs out. Growing never moves blocks, so pointers stay valid; typed-array views are re-made
 * whenever the underlying buffer changed.
 */
import { MAX_PAGES } from './module';

const PAGE = 65536;

export function sizeClass(bytes: number): number {
  const size = Math.max(16, Math.ceil(bytes / 16) * 16);
  if (size <= 1024) return size;
  const step = 2 ** Math.floor(Math.log2(size)) / 4;
  return Math.ceil(size / step) * step;
}

export class WasmHeap {
  private readonly free = new Map<number, number[]>();
  private top: number;
  private viewBuffer: ArrayBufferLike | null = null;
  private f32View = new Float32Array(0);
  private i32View = new Int32Array(0);
  private u8View = new Uint8Array(0);
  /** Bytes in blocks handed out and not yet released (by size class). */
  bytesInUse = 0;
  blocksInUse = 0;

  constructor(
    readonly memory: WebAssembly.Memory,
    heapBase: number,
  ) {
    this.top = Math.ceil(heapBase / 16) * 16;
  }

  /** A block of at least `bytes` bytes, 16-byte aligned. Its contents are whatever was there. */
  alloc(bytes: number): number {
    const capacity = sizeClass(bytes);
    const list = this.free.get(capacity);
    let ptr = list?.pop();
    if (ptr === undefined) {
      ptr = this.top;
      this.ensure(ptr + capacity);
      this.top = ptr + capacity;
    }
    this.bytesInUse += capacity;
    this.blocksInUse++;
    return ptr;
  }

  /** Returns a block from `alloc(bytes)` (same `bytes`) for reuse. */
  release(ptr: number, bytes: number): void {
    const capacity = sizeClass(bytes);
    let list = this.free.get(capacity);
    if (!list) {
      list = [];
      this.free.set(capacity, list);
    }
    list.push(ptr);
    this.bytesInUse -= capacity;
    this.blocksInUse--;
  }

  /** Bytes of memory below the bump pointer (in use or on a free list). */
  get reservedBytes(): number {
    return this.top;
  }

  /**
   * Grows the memory to hold `end` bytes: by at least half its size when it can, else by what is needed (a runtime
   * that cannot give the headroom may still give that). A RangeError naming the bytes asked for when neither fits.
   */
  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pagesNow = have / PAGE;
    const needed = Math.ceil((end - have) / PAGE);
    const refuse = (reason: string) =>
      new RangeError(
        `backend-wasm: out of memory: cannot allocate a block of ${end - this.top} bytes (the heap holds ${this.top} bytes; ${reason})`,
      );
    if (needed > MAX_PAGES - pagesNow) throw refuse(`the wasm32 limit is ${MAX_PAGES * PAGE} bytes`);
    const headroom = Math.min(MAX_PAGES - pagesNow, Math.ceil(pagesNow / 2));
    if (headroom > needed) {
      try {
        this.memory.grow(headroom);
        return;
      } catch {
        // Fall through to the smallest growth that serves this block.
      }
    }
    try {
      this.memory.grow(needed);
    } catch (error) {
      throw refuse(`memory.grow by ${needed * PAGE} bytes failed: ${(error as Error).message}`);
    }
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    if (buffer === this.viewBuffer && this.u8View.byteLength === buffer.byteLength) return;
    this.viewBuffer = buffer;
    this.f32View = new Float32Array(buffer);
    this.i32View = new Int32Array(buffer);
    this.u8View = new Uint8Array(buffer);
  }

  /** Views over the whole memory; re-fetch after anything that may allocate (growth replaces the buffer). */
  get f32(): Float32Array {
    this.refresh();
    return this.f32View;
  }

  get i32(): Int32Array {
    this.refresh();
    return this.i32View;
  }

  get u8(): Uint8Array {
    this.refresh();
    return this.u8View;
  }
}
