import { FormatError } from '@nn/tensor';
import { gunzipSync } from 'fflate';

/** Views any binary input as a Uint8Array without copying. */
export function asBytes(input: Uint8Array | ArrayBuffer | ArrayBufferView, what: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new FormatError(`${what}: expected a Uint8Array or ArrayBuffer, got ${typeof input}`);
}

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

// Deflate cannot expand data by more than ~1032:1, so a trailer claiming more is corrupt (or a bomb).
const MAX_DEFLATE_RATIO = 1032;

/** Gunzips, refusing trailers that claim an impossible size before allocating anything. */
export function gunzip(bytes: Uint8Array, what: string): Uint8Array {
  const n = bytes.length;
  if (n < 18) throw new FormatError(`${what}: truncated gzip stream (${n} bytes)`);
  const claimed = (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0;
  if (claimed > n * MAX_DEFLATE_RATIO + 1024) {
    throw new FormatError(`${what}: corrupt gzip stream: trailer claims ${claimed} bytes from ${n} compressed bytes`);
  }
  try {
    const out = gunzipSync(bytes);
    if (out.length !== claimed) {
      throw new FormatError(`${what}: corrupt gzip stream: got ${out.length} bytes, trailer says ${claimed}`);
    }
    return out;
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError(`${what}: corrupt gzip stream: ${(error as Error).message}`);
  }
}
