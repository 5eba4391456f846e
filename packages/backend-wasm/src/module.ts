/**
 * Loading the compiled kernels: the bytes come from a generated module (base64, see scripts/build-wasm.mjs),
 * so the same code works in ESM, CJS, Node and bundlers without locating a .wasm file at run time.
 */
import { StateError, ValueError } from '@nn/tensor';
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from './generated/kernels-wasm';

/** The functions assembly/index.ts exports. Pointers are byte offsets, counts and strides are elements; bools are 0/1. */
export interface KernelExports {
  heapBase(): number;
  lstmCell(gates: number, c: number, out: number, n: number, h: number): void;
  lstmCellBackward(dy: number, gates: number, c: number, dGates: number, dc: number, n: number, h: number): void;
  gemmScratchFloats(): number;
  gemm(
    a: number,
    aRowStride: number,
    aColStride: number,
    b: number,
    bRowStride: number,
    bColStride: number,
    c: number,
    ldc: number,
    m: number,
    n: number,
    k: number,
    accumulate: number,
    scratch: number,
  ): void;
  /** The int32 product C = A @ B (wrapping), strided like gemm. */
  // biome-ignore format: one argument group per line
  gemmInt(
    a: number, aRowStride: number, aColStride: number,
    b: number, bRowStride: number, bColStride: number,
    c: number, ldc: number, m: number, n: number, k: number,
  ): void;
  binaryRun(op: number, a: number, aStep: number, b: number, bStep: number, out: number, n: number): void;
  binaryRunInt(op: number, a: number, aStep: number, b: number, bStep: number, out: number, n: number): void;
  /** binaryRun over `rows` rows of n: row r at a + r * aRow, b + r * bRow (elements), out + r * n. */
  // biome-ignore format: one argument group per line
  binaryRows(
    op: number,
    a: number, aRow: number, aStep: number,
    b: number, bRow: number, bStep: number,
    out: number, rows: number, n: number,
  ): void;
  whereRun(
    c: number,
    cStep: number,
    cIsInt: number,
    a: number,
    aStep: number,
    b: number,
    bStep: number,
    out: number,
    n: number,
  ): void;
  unary(op: number, int: number, x: number, out: number, n: number, p: number, q: number): void;
  castF32ToI32(x: number, out: number, n: number): void;
  castI32ToF32(x: number, out: number, n: number): void;
  reduce(
    op: number,
    int: number,
    x: number,
    out: number,
    outer: number,
    length: number,
    inner: number,
    acc: number,
  ): void;
  argMax(int: number, x: number, out: number, outer: number, length: number, inner: number): void;
  // biome-ignore format: one argument group per line
  cumsum(
    int: number, x: number, out: number,
    outer: number, length: number, inner: number, reverse: number, acc: number,
  ): void;
  // biome-ignore format: one argument group per line
  topK(
    int: number, x: number, out: number,
    rows: number, n: number, k: number, largest: number, scratch: number,
  ): void;
  // biome-ignore format: one argument group per line
  scatterAdd(
    int: number, updates: number, indices: number, out: number,
    outer: number, count: number, inner: number, size: number, acc: number,
  ): void;
  softmaxCrossEntropy(logits: number, target: number, out: number, rows: number, classes: number): void;
  /** Pools `planes` planes; `shape` points to a PoolShape (assembly/pool.ts), `mode` picks the pass. */
  pool2d(shape: number, mode: number, src: number, dy: number, out: number, planes: number): void;
  stridedCopy(src: number, dst: number, rank: number, meta: number): void;
  transpose2d(src: number, dst: number, batches: number, rows: number, cols: number): void;
  maxPool2x2(mode: number, src: number, dy: number, out: number, planes: number, H: number, W: number): void;
  /** The convolutions take a pointer to a ConvShape (assembly/conv-shape.ts), `images` images, and buffers. */
  conv2d(shape: number, x: number, w: number, y: number, images: number, cols: number, scratch: number): void;
  conv2dBackpropFilter(
    shape: number,
    x: number,
    dy: number,
    dw: number,
    images: number,
    cols: number,
    scratch: number,
  ): void;
  conv2dBackpropInput(
    shape: number,
    dy: number,
    w: number,
    dx: number,
    images: number,
    cols: number,
    scratch: number,
  ): void;
  directConv2d(shape: number, x: number, w: number, y: number, images: number, work: number): void;
  directConv2dBackpropFilter(shape: number, x: number, dy: number, dw: number, images: number, work: number): void;
  directConv2dBackpropInput(shape: number, dy: number, w: number, dx: number, images: number, work: number): void;
  // biome-ignore format: one line like its siblings
  directConv2dBackpropInputScatter(shape: number, dy: number, w: number, dx: number, images: number, work: number): void;
  directConvWorkFloats(C: number, O: number, kH: number, kW: number, oH: number, oW: number): number;
  directInputScatterWorkFloats(C: number, O: number, kH: number, kW: number, oH: number, oW: number): number;
  directFilterGradWorkFloats(C: number, O: number, kH: number, kW: number, oH: number, oW: number): number;
  // biome-ignore format: one argument group per line
  adamUpdate(
    params: number, p: number, g: number, m: number, v: number,
    outP: number, outM: number, outV: number, n: number,
  ): void;
  sgdUpdate(params: number, p: number, g: number, buf: number, outP: number, outBuf: number, n: number): void;
  reluBackward(int: number, dy: number, y: number, out: number, n: number): void;
  geluBackward(tanh: number, dy: number, x: number, out: number, n: number): void;
  // biome-ignore format: one argument group per line
  layerNorm(
    x: number, w: number, b: number, out: number,
    rows: number, n: number, eps: number, hasW: number, hasB: number,
  ): void;
  // biome-ignore format: one argument group per line
  layerNormBackward(
    dy: number, x: number, w: number, out: number,
    rows: number, n: number, eps: number, hasW: number,
  ): void;
  /** The attention entries take a pointer to an AttentionArgs (assembly/attention.ts) and a range of rows / entries. */
  attention(args: number, work: number, scratch: number, rowStart: number, rows: number): void;
  attentionBackward(args: number, work: number, scratch: number, bStart: number, count: number): void;
}

/** The wasm32 limit: 65536 pages of 64 KiB. The module declares the same maximum for its imported memory. */
export const MAX_PAGES = 65536;

/**
 * Which build of the kernels runs: `relaxed` uses relaxed SIMD (`f32x4.relaxed_madd`, fused where the CPU has
 * FMA) in the GEMM, `simd128` is plain SIMD128; `auto` picks `relaxed` where the engine validates it.
 */
export type SimdMode = 'auto' | 'relaxed' | 'simd128';

/** A module of one function `(v128, v128, v128) -> v128` computing f32x4.relaxed_madd: valid iff relaxed SIMD is. */
// biome-ignore format: one section per line
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

let relaxedSupported: boolean | undefined;

/** True when this engine accepts relaxed SIMD (Chromium by default; Node 20 only with --experimental-wasm-relaxed-simd). */
export function relaxedSimdSupported(): boolean {
  relaxedSupported ??= WebAssembly.validate(RELAXED_PROBE);
  return relaxedSupported;
}

/** The build `mode` selects here; forcing `relaxed` where the engine lacks it is an error, not a silent fallback. */
export function resolveSimd(mode: SimdMode = 'auto'): 'relaxed' | 'simd128' {
  if (mode !== 'auto' && mode !== 'relaxed' && mode !== 'simd128') {
    throw new ValueError(`wasm: simd must be 'auto', 'relaxed' or 'simd128', got ${JSON.stringify(mode)}`);
  }
  if (mode === 'simd128') return 'simd128';
  if (relaxedSimdSupported()) return 'relaxed';
  if (mode === 'relaxed') {
    throw new StateError("wasm: simd 'relaxed' requested but this engine does not support relaxed SIMD");
  }
  return 'simd128';
}

const compiled = new Map<string, Promise<WebAssembly.Module>>();

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Compiles the kernels once per process, build and memory kind (shared by every backend instance and worker). */
export function kernelsModule(shared: boolean, simd: 'relaxed' | 'simd128' = 'simd128'): Promise<WebAssembly.Module> {
  const key = `${simd}:${shared}`;
  let module = compiled.get(key);
  if (!module) {
    const base64 = simd === 'relaxed' ? KERNELS_RELAXED_WASM_BASE64 : KERNELS_WASM_BASE64;
    module = WebAssembly.compile(markMemoryShared(decodeBase64(base64), shared));
    compiled.set(key, module);
  }
  return module;
}

/** SharedArrayBuffer exists (Node, or a cross-origin-isolated page): the memory can be shared with workers. */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

export async function instantiate(
  memory: WebAssembly.Memory,
  shared: boolean,
  simd: 'relaxed' | 'simd128' = 'simd128',
): Promise<{ exports: KernelExports; module: WebAssembly.Module }> {
  const module = await kernelsModule(shared, simd);
  const instance = await WebAssembly.instantiate(module, {
    env: {
      memory,
      abort: () => {
        throw new Error('backend-wasm: a kernel aborted');
      },
    },
  });
  return { exports: instance.exports as unknown as KernelExports, module };
}

/**
 * The module is compiled with an unshared imported memory; to run over a SharedArrayBuffer (threads) its
 * memory import must say "shared". That is one flag byte in the import section (limits 0x01 -> 0x03), so one
 * build serves both cases instead of shipping two binaries.
 */
export function markMemoryShared(bytes: Uint8Array<ArrayBuffer>, shared: boolean): Uint8Array<ArrayBuffer> {
  if (!shared) return bytes;
  let pos = 8;
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[pos++]!;
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  };
  const skipName = (): void => {
    const length = leb();
    pos += length;
  };
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const size = leb();
    const end = pos + size;
    if (id !== 2) {
      pos = end;
      continue;
    }
    const count = leb();
    for (let i = 0; i < count; i++) {
      skipName();
      skipName();
      const kind = bytes[pos++]!;
      if (kind === 0x02) {
        if (bytes[pos] === 0x01) bytes[pos] = 0x03;
        return bytes;
      }
      if (kind === 0x00) leb();
      else if (kind === 0x01) {
        pos++;
        const flags = bytes[pos++]!;
        leb();
        if (flags & 1) leb();
      } else if (kind === 0x03) pos += 2;
      else throw new Error(`backend-wasm: unexpected import kind ${kind}`);
    }
    break;
  }
  throw new Error('backend-wasm: the kernels module imports no memory');
}
