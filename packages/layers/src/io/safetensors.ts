/**
 * The safetensors format, as pure functions over bytes (browser-safe): an 8-byte little-endian u64 header
 * length N, N bytes of JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {...} }`
 * padded with spaces, then the raw little-endian data. The parser trusts no length from the file: every
 * offset and shape is checked against the real byte count before anything is allocated.
 */
import { type DType, FormatError, fmtShape, Tensor, tensor, ValueError } from '@nn/tensor';

/** What a safetensors file holds: tensors by name and the string-to-string `__metadata__`. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** The safetensors spec caps the header at 100 MB; a larger claimed length is a corrupt file. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;
const MAX_RANK = 64;

/** Bytes per element, and how each file dtype becomes one of ours. */
const FILE_DTYPES: Record<string, { bytes: number; dtype: DType }> = {
  F32: { bytes: 4, dtype: 'float32' },
  F64: { bytes: 8, dtype: 'float64' },
  F16: { bytes: 2, dtype: 'float32' },
  BF16: { bytes: 2, dtype: 'float32' },
  I32: { bytes: 4, dtype: 'int32' },
  I64: { bytes: 8, dtype: 'int32' },
  I16: { bytes: 2, dtype: 'int32' },
  U16: { bytes: 2, dtype: 'int32' },
  I8: { bytes: 1, dtype: 'int32' },
  U8: { bytes: 1, dtype: 'int32' },
  BOOL: { bytes: 1, dtype: 'int32' },
};

const WRITE_DTYPES: Record<DType, string> = { float32: 'F32', int32: 'I32', float64: 'F64' };

interface Entry {
  name: string;
  fileDType: string;
  shape: number[];
  begin: number;
  end: number;
}

function fail(message: string): never {
  throw new FormatError(`safetensors: ${message}`);
}

/** Defines `key` as an own property even when it is `__proto__`. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A plain Uint8Array over the input's bytes, never a subclass: a Node Buffer's `slice()` is a view, not a copy,
 * and its `.buffer` may be a whole file or Node's shared pool, so Buffers are re-viewed here once.
 */
function toBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) {
    const view = input as ArrayBufferView;
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }
  throw new ValueError('safetensors: expected a Uint8Array or ArrayBuffer');
}

/** A fresh ArrayBuffer holding exactly `raw`'s bytes (a typed array over `raw.buffer` would see the whole file). */
function copyOf(raw: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(raw.byteLength);
  copy.set(raw);
  return copy.buffer;
}

/** Reads and checks the header; returns the entries sorted by offset, the metadata, and where the data starts. */
function readHeader(bytes: Uint8Array): { entries: Entry[]; metadata: Record<string, string>; dataStart: number } {
  if (bytes.length < 8) fail(`truncated file: ${bytes.length} bytes, the header length alone needs 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + low;
  if (headerLength > bytes.length - 8) {
    fail(`header length ${headerLength} is larger than the ${bytes.length - 8} bytes after it (truncated file?)`);
  }
  if (headerLength > MAX_HEADER_BYTES) fail(`header length ${headerLength} exceeds the 100 MB limit`);
  if (headerLength < 2) fail(`header length ${headerLength} is too small for a JSON object`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    fail(`header is not valid JSON (${(error as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    fail(`header must be a JSON object, got ${Array.isArray(header) ? 'an array' : String(header)}`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('__metadata__ must be an object');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} must be a string, got ${typeof v}`);
        setOwn(metadata, k, v);
      }
      continue;
    }
    entries.push(readEntry(name, raw, dataLength));
  }
  // Sorted by offset, each entry must start at or after the previous one's end: no two tensors share bytes.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < entries.length; i++) {
    const previous = entries[i - 1]!;
    const entry = entries[i]!;
    if (entry.begin < previous.end) {
      fail(
        `'${entry.name}': data_offsets [${entry.begin}, ${entry.end}] overlap '${previous.name}' [${previous.begin}, ${previous.end}]`,
      );
    }
  }
  return { entries, metadata, dataStart };
}

function readEntry(name: string, raw: unknown, dataLength: number): Entry {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(`'${name}': entry must be an object`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(FILE_DTYPES, dtype)) {
    fail(
      `'${name}': unknown or unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(FILE_DTYPES).join(', ')})`,
    );
  }
  if (!Array.isArray(shape) || shape.length > MAX_RANK) {
    fail(
      `'${name}': shape must be an array of at most ${MAX_RANK} dimensions, got ${JSON.stringify(shape)?.slice(0, 80)}`,
    );
  }
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || (d as number) < 0) fail(`'${name}': bad dimension ${JSON.stringify(d)} in shape`);
    count *= d as number;
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    fail(`'${name}': data_offsets must be two non-negative integers, got ${JSON.stringify(offsets)?.slice(0, 80)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    fail(`'${name}': data_offsets [${begin}, ${end}] are outside the data region of ${dataLength} bytes`);
  }
  const bytes = FILE_DTYPES[dtype]!.bytes;
  // `count` may be astronomically large (or Infinity) for an absurd shape: it is compared, never allocated.
  if (count * bytes !== end - begin) {
    fail(
      `'${name}': ${dtype} ${fmtShape(shape as number[])} needs ${count * bytes} bytes, data_offsets give ${end - begin}`,
    );
  }
  return { name, fileDType: dtype, shape: shape as number[], begin, end };
}

const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Decodes one entry's bytes into a typed array of our dtype. */
function decode(entry: Entry, raw: Uint8Array): Float32Array | Float64Array | Int32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = raw.byteLength / FILE_DTYPES[entry.fileDType]!.bytes;
  switch (entry.fileDType) {
    case 'F32':
      if (littleEndianHost) return new Float32Array(copyOf(raw));
      return Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
    case 'F64':
      if (littleEndianHost) return new Float64Array(copyOf(raw));
      return Float64Array.from({ length: n }, (_, i) => view.getFloat64(i * 8, true));
    case 'I32':
      if (littleEndianHost) return new Int32Array(copyOf(raw));
      return Int32Array.from({ length: n }, (_, i) => view.getInt32(i * 4, true));
    case 'F16':
      return Float32Array.from({ length: n }, (_, i) => halfToFloat(view.getUint16(i * 2, true)));
    case 'BF16': {
      const bits = new Uint32Array(n);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return new Float32Array(bits.buffer);
    }
    case 'I64': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n) {
          fail(`'${entry.name}': I64 value ${v} at flat index ${i} does not fit in int32`);
        }
        out[i] = Number(v);
      }
      return out;
    }
    case 'I16':
      return Int32Array.from({ length: n }, (_, i) => view.getInt16(i * 2, true));
    case 'U16':
      return Int32Array.from({ length: n }, (_, i) => view.getUint16(i * 2, true));
    case 'I8':
      return Int32Array.from(new Int8Array(raw.buffer, raw.byteOffset, n));
    default: // U8, BOOL
      return Int32Array.from(raw);
  }
}

/**
 * Parses a safetensors file into tensors and metadata. F16/BF16 become float32, I64 (in range) and the
 * small integer types become int32. Bad input throws FormatError naming the key and the reason.
 * @example const { tensors, metadata } = parseSafetensorsFile(bytes);
 */
export function parseSafetensorsFile(input: Uint8Array | ArrayBuffer): SafetensorsContents {
  const bytes = toBytes(input);
  const { entries, metadata, dataStart } = readHeader(bytes);
  // Decode everything before making tensors: a bad I64 value allocates no tensor.
  const decoded = entries.map((e) => decode(e, bytes.subarray(dataStart + e.begin, dataStart + e.end)));
  const tensors: Record<string, Tensor> = {};
  entries.forEach((e, i) => {
    setOwn(tensors, e.name, tensor(decoded[i]!, e.shape, FILE_DTYPES[e.fileDType]!.dtype));
  });
  return { tensors, metadata };
}

/** Parses safetensors bytes into a `Record<string, Tensor>` (see `parseSafetensorsFile` for the metadata). */
export function parseSafetensors(input: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  return parseSafetensorsFile(input).tensors;
}

/** The header of a file about to be written, and the tensors in data order. */
function planWrite(stateDict: Record<string, Tensor>, metadata: Record<string, string> = {}) {
  if (stateDict === null || typeof stateDict !== 'object')
    throw new ValueError('saveSafetensors: expected a Record<string, Tensor>');
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string')
        throw new ValueError(`saveSafetensors: metadata '${k}' must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  const tensors: Tensor[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(stateDict)) {
    if (name === '__metadata__' || name === '')
      throw new ValueError(`saveSafetensors: '${name}' cannot be a tensor name`);
    if (!(t instanceof Tensor)) throw new ValueError(`saveSafetensors: '${name}' is not a Tensor`);
    t.throwIfDisposed(`saveSafetensors('${name}')`);
    const bytes = t.size * (t.dtype === 'float64' ? 8 : 4);
    setOwn(header, name, { dtype: WRITE_DTYPES[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes] });
    tensors.push(t);
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const prefix = new Uint8Array(8 + json.length);
  new DataView(prefix.buffer).setUint32(0, json.length, true);
  prefix.set(json, 8);
  return { prefix, tensors, size: prefix.length + offset };
}

function tensorBytes(t: Tensor): Uint8Array {
  const values = t.dataSync();
  if (littleEndianHost) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (t.dtype === 'float64') view.setFloat64(i * 8, v, true);
    else if (t.dtype === 'int32') view.setInt32(i * 4, v, true);
    else view.setFloat32(i * 4, v, true);
  });
  return out;
}

/**
 * The file as a sequence of chunks (header, then one chunk per tensor), so large models are written without
 * holding the whole file in memory. Names and types are checked before the first chunk.
 */
export function* safetensorsChunks(
  stateDict: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Generator<Uint8Array> {
  const plan = planWrite(stateDict, metadata);
  yield plan.prefix;
  for (const t of plan.tensors) yield tensorBytes(t);
}

/**
 * Serializes tensors (float32 -> F32, int32 -> I32, float64 -> F64) and optional string metadata.
 * @example const bytes = serializeSafetensors(model.stateDict(), { note: 'epoch 3' });
 */
export function serializeSafetensors(stateDict: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const plan = planWrite(stateDict, metadata);
  const out = new Uint8Array(plan.size);
  out.set(plan.prefix, 0);
  let offset = plan.prefix.length;
  for (const t of plan.tensors) {
    const chunk = tensorBytes(t);
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
