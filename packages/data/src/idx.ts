import { FormatError, type Tensor } from '@nn/tensor';
import { asBytes, gunzip, isGzip } from './bytes';
import { type DType, type HostArray, type HostTensor, toTensor } from './host';

/** The element types of the IDX format, by their type byte. */
export type IdxType = 'ubyte' | 'byte' | 'short' | 'int' | 'float' | 'double';

const IDX_TYPES: Record<number, { type: IdxType; bytes: number; dtype: DType }> = {
  8: { type: 'ubyte', bytes: 1, dtype: 'int32' },
  9: { type: 'byte', bytes: 1, dtype: 'int32' },
  11: { type: 'short', bytes: 2, dtype: 'int32' },
  12: { type: 'int', bytes: 4, dtype: 'int32' },
  13: { type: 'float', bytes: 4, dtype: 'float32' },
  14: { type: 'double', bytes: 8, dtype: 'float64' },
};

/** What an IDX header says, checked against the bytes that follow it. */
export interface IdxHeader {
  type: IdxType;
  dtype: DType;
  shape: number[];
  /** Byte offset where the big-endian data starts. */
  dataOffset: number;
  /** The (possibly gunzipped) file bytes. */
  bytes: Uint8Array;
}

/** Options for readIdx: `name` is used in error messages (a file name, URL...). */
export interface ReadIdxOptions {
  name?: string;
}

/**
 * Parses and validates an IDX header (gunzipping first if needed). Throws FormatError naming the source when
 * the magic number, type, rank or byte count is wrong; never allocates the size a header claims.
 */
export function parseIdxHeader(input: Uint8Array | ArrayBuffer, options: ReadIdxOptions = {}): IdxHeader {
  const what = `readIdx(${options.name ?? 'buffer'})`;
  let bytes = asBytes(input, what);
  if (isGzip(bytes)) bytes = gunzip(bytes, what);
  if (bytes.length < 4) throw new FormatError(`${what}: truncated: ${bytes.length} bytes, an IDX header needs 4+`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new FormatError(`${what}: wrong magic number 0x${hex(bytes, 0, 4)}: an IDX file starts with 0x0000`);
  }
  const info = IDX_TYPES[bytes[2]!];
  if (info === undefined) {
    throw new FormatError(`${what}: unknown IDX type byte 0x${hex(bytes, 2, 1)} (expected 08, 09, 0B, 0C, 0D or 0E)`);
  }
  const rank = bytes[3]!;
  const dataOffset = 4 + 4 * rank;
  if (bytes.length < dataOffset) {
    throw new FormatError(`${what}: truncated header: rank ${rank} needs ${dataOffset} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d; // a double: exact up to 2^53, and beyond that far too large to match any byte count anyway
  }
  const expected = count * info.bytes;
  const actual = bytes.length - dataOffset;
  if (expected !== actual) {
    const problem = expected > actual ? 'truncated' : 'trailing bytes';
    throw new FormatError(
      `${what}: ${problem}: header says ${info.type} [${shape.join(',')}] = ${expected} data bytes, got ${actual}`,
    );
  }
  return { type: info.type, dtype: info.dtype, shape, dataOffset, bytes };
}

/** Decodes the data of a validated IDX header into a host tensor (int32 / float32 / float64). */
export function decodeIdx(header: IdxHeader): HostTensor {
  const { bytes, dataOffset, type, shape, dtype } = header;
  const n = bytes.length - dataOffset;
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataOffset, n);
  let data: HostArray;
  switch (type) {
    case 'ubyte':
      data = new Int32Array(n);
      data.set(bytes.subarray(dataOffset));
      break;
    case 'byte':
      data = new Int32Array(n);
      data.set(new Int8Array(bytes.buffer, bytes.byteOffset + dataOffset, n));
      break;
    case 'short':
      data = new Int32Array(n / 2);
      for (let i = 0; i < data.length; i++) data[i] = view.getInt16(2 * i, false);
      break;
    case 'int':
      data = new Int32Array(n / 4);
      for (let i = 0; i < data.length; i++) data[i] = view.getInt32(4 * i, false);
      break;
    case 'float':
      data = new Float32Array(n / 4);
      for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(4 * i, false);
      break;
    case 'double':
      data = new Float64Array(n / 8);
      for (let i = 0; i < data.length; i++) data[i] = view.getFloat64(8 * i, false);
      break;
  }
  return { data, shape, dtype };
}

/** Parses IDX bytes into host memory (see readIdx). */
export function parseIdx(input: Uint8Array | ArrayBuffer, options: ReadIdxOptions = {}): HostTensor {
  return decodeIdx(parseIdxHeader(input, options));
}

/**
 * Reads any IDX file (ubyte/byte/short/int/float/double, any rank, optionally gzipped) into a Tensor.
 * Integer types give int32 (values unchanged, ubyte stays 0..255), float gives float32, double float64.
 * @example readIdx(await readFile('t10k-labels-idx1-ubyte'), { name: 't10k-labels' }) // int32 [10000]
 */
export function readIdx(input: Uint8Array | ArrayBuffer, options: ReadIdxOptions = {}): Tensor {
  return toTensor(parseIdx(input, options));
}

/** Encodes host data as IDX bytes (handy for tests and for exporting data sets). */
export function encodeIdx(data: ArrayLike<number>, shape: readonly number[], type: IdxType): Uint8Array {
  const info = Object.values(IDX_TYPES).find((t) => t.type === type)!;
  const typeByte = Number(Object.keys(IDX_TYPES).find((k) => IDX_TYPES[Number(k)] === info));
  const offset = 4 + 4 * shape.length;
  const out = new Uint8Array(offset + data.length * info.bytes);
  const view = new DataView(out.buffer);
  out[2] = typeByte;
  out[3] = shape.length;
  for (const [i, d] of shape.entries()) view.setUint32(4 + 4 * i, d, false);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    const at = offset + i * info.bytes;
    if (type === 'ubyte') view.setUint8(at, v);
    else if (type === 'byte') view.setInt8(at, v);
    else if (type === 'short') view.setInt16(at, v, false);
    else if (type === 'int') view.setInt32(at, v, false);
    else if (type === 'float') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}

function hex(bytes: Uint8Array, start: number, length: number): string {
  return Array.from(bytes.subarray(start, start + length), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(
    '',
  );
}
