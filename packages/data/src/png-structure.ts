import { FormatError } from '@nn/tensor';
import { Unzlib } from 'fflate';

/** What a PNG's chunks say, read without inflating anything. */
export interface PngStructure {
  width: number;
  height: number;
  depth: number;
  /** Samples per pixel as stored: 1 grey or palette index, 2 grey + alpha, 3 RGB, 4 RGBA. */
  channels: number;
  palette: boolean;
  transparency: boolean;
  interlaced: boolean;
  /** Compressed image data, summed over the IDAT chunks. */
  idatBytes: number;
  /** Chunks the decoder would process although nothing here uses them (iCCP is inflated in full). */
  extraChunks: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
/** The chunks decoding needs; everything else is dropped before the decoder sees the file. */
const USED_CHUNKS = new Set(['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND']);
const PIECE = 512;
// Adam7: [x start, y start, x step, y step] of the seven passes.
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/**
 * Walks the chunk list so that truncated files, bad structure, unknown formats and absurd sizes fail fast with a
 * clear message, before anything is inflated or allocated.
 */
export function readPngStructure(bytes: Uint8Array, what: string): PngStructure {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Omit<PngStructure, 'idatBytes' | 'extraChunks' | 'transparency'> | undefined;
  let idatBytes = 0;
  let extraChunks = 0;
  let transparency = false;
  let chunks = 0;
  let at = 8;
  while (true) {
    if (at + 12 > bytes.length) throw new FormatError(`${what}: truncated PNG: no IEND chunk after ${chunks} chunks`);
    const length = view.getUint32(at, false);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (at + 12 + length > bytes.length) {
      throw new FormatError(
        `${what}: truncated PNG: chunk ${type} claims ${length} bytes, ${bytes.length - at - 12} left`,
      );
    }
    if (chunks === 0) {
      if (type !== 'IHDR' || length !== 13) throw new FormatError(`${what}: corrupt PNG: first chunk is not IHDR`);
      header = readHeader(view, at + 8, what);
    } else if (type === 'IHDR') {
      // The decoder would take the last header's size, not the one checked here.
      throw new FormatError(`${what}: corrupt PNG: a second IHDR chunk (chunk ${chunks + 1})`);
    }
    if (type === 'IDAT') idatBytes += length;
    if (type === 'tRNS') transparency = true;
    if (!USED_CHUNKS.has(type)) extraChunks++;
    chunks++;
    at += 12 + length;
    if (type === 'IEND') break;
  }
  if (idatBytes === 0) throw new FormatError(`${what}: corrupt PNG: no IDAT chunk`);
  return { ...header!, idatBytes, extraChunks, transparency };
}

function readHeader(view: DataView, at: number, what: string) {
  const width = view.getUint32(at, false);
  const height = view.getUint32(at + 4, false);
  const depth = view.getUint8(at + 8);
  const colorType = view.getUint8(at + 9);
  const interlace = view.getUint8(at + 12);
  if (width === 0 || height === 0) throw new FormatError(`${what}: corrupt PNG: image is ${width}x${height}`);
  const channels = CHANNELS[colorType];
  if (channels === undefined || !DEPTHS[colorType]!.includes(depth) || interlace > 1) {
    throw new FormatError(
      `${what}: corrupt PNG: colour type ${colorType} with bit depth ${depth}, interlace method ${interlace}`,
    );
  }
  return { width, height, depth, channels, palette: colorType === 3, interlaced: interlace === 1 };
}

/** The size of the image data once inflated: filter byte + packed samples, per row of each (Adam7) pass. */
export function inflatedSize(png: PngStructure): number {
  const rowBytes = (width: number) => 1 + Math.ceil((width * png.channels * png.depth) / 8);
  if (!png.interlaced) return png.height * rowBytes(png.width);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const width = Math.ceil((png.width - x0) / dx);
    const height = Math.ceil((png.height - y0) / dy);
    if (width > 0 && height > 0) total += height * rowBytes(width);
  }
  return total;
}

/** A copy of the file holding only the chunks decoding needs, so that nothing else is parsed or inflated. */
export function withUsedChunksOnly(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const end = at + 12 + view.getUint32(at, false);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    if (USED_CHUNKS.has(type)) kept.push(bytes.subarray(at, end));
    if (type === 'IEND') break;
    at = end;
  }
  const out = new Uint8Array(kept.reduce((n, part) => n + part.length, 0));
  kept.reduce((offset, part) => {
    out.set(part, offset);
    return offset + part.length;
  }, 0);
  return out;
}

/**
 * Inflates the IDAT stream without keeping its output, and refuses it as soon as it yields more than `limit`
 * bytes: a zlib stream can expand ~1000-fold, and the decoder would hold all of it (twice) before looking.
 */
export function checkInflatesWithin(bytes: Uint8Array, limit: number, what: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let produced = 0;
  const inflater = new Unzlib((data) => {
    produced += data.length;
    if (produced > limit) {
      throw new FormatError(`${what}: corrupt PNG: image data inflates to more than the ${limit} bytes it needs`);
    }
  });
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at, false);
    if (bytes[at + 4] === 0x49 && bytes[at + 5] === 0x44 && bytes[at + 6] === 0x41 && bytes[at + 7] === 0x54) {
      // IDAT, fed in small pieces: fflate inflates a whole piece before reporting, so one piece yields <= ~0.5 MB.
      for (let from = at + 8; from < at + 8 + length; from += PIECE) {
        inflater.push(bytes.subarray(from, Math.min(from + PIECE, at + 8 + length)), false);
      }
    }
    at += 12 + length;
  }
  inflater.push(new Uint8Array(0), true);
}
