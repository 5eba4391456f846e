// Builds PNG files chunk by chunk (with correct CRCs) for tests: hostile ones that no encoder would write.
import { zlibSync } from 'fflate';
import { concat } from './concat';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: length, type, data, CRC. */
export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An IHDR chunk. colorType: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
export function ihdr(width: number, height: number, depth = 8, colorType = 0, interlace = 0): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([depth, colorType, 0, 0, interlace], 8);
  return chunk('IHDR', data);
}

/** Signature + chunks + IEND. */
export function pngFile(...chunks: Uint8Array[]): Uint8Array {
  const signature = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return concat(signature, ...chunks, chunk('IEND', new Uint8Array(0)));
}

/** An IDAT chunk holding `rawBytes` zeros, deflated (about 1000:1). */
export function zeroIdat(rawBytes: number): Uint8Array {
  return chunk('IDAT', zlibSync(new Uint8Array(rawBytes), { level: 9 }));
}

/** Offsets and types of the chunks of a PNG. */
export function pngChunks(bytes: Uint8Array): { at: number; type: string; length: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: { at: number; type: string; length: number }[] = [];
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at);
    found.push({ at, type: String.fromCharCode(...bytes.subarray(at + 4, at + 8)), length });
    at += 12 + length;
  }
  return found;
}

/** Rewrites the CRC of the chunk at `at` (after its data was patched), so that the damage gets past the CRC. */
export function fixCrc(bytes: Uint8Array, at: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(at);
  if (at + 12 + length > bytes.length) return;
  view.setUint32(at + 8 + length, crc32(bytes.subarray(at + 4, at + 8 + length)));
}
