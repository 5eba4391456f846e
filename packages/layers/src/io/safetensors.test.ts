import { readFileSync } from 'node:fs';
import { FormatError, type Tensor, tensor } from '@nn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSafetensors } from './model';
import { parseSafetensors, parseSafetensorsFile, serializeSafetensors } from './safetensors';

const fixture = new Uint8Array(readFileSync(new URL('./fixtures/torch.safetensors', import.meta.url)));
const expected = JSON.parse(readFileSync(new URL('./fixtures/torch.json', import.meta.url), 'utf8')) as Record<
  string,
  { shape: number[]; values: (number | string)[] }
>;

/** Builds a file from a header object and data bytes (for malformed-input tests). */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips float32, int32 and float64 tensors with metadata', () => {
    const sd = {
      'conv.weight': tensor([[[[1.5, -2]]]]),
      labels: tensor([1, -2, 3], undefined, 'int32'),
      precise: tensor([Math.PI, 1e-300], undefined, 'float64'),
      scalar: tensor(7),
      empty: tensor([], [0, 4]),
    };
    const bytes = serializeSafetensors(sd, { note: 'hi' });
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    expect(headerLength % 8).toBe(0);
    const { tensors, metadata } = parseSafetensorsFile(bytes);
    expect(metadata).toEqual({ note: 'hi' });
    expect(Object.keys(tensors)).toEqual(Object.keys(sd));
    for (const [name, t] of Object.entries(sd)) {
      expect(tensors[name]!.dtype).toBe(t.dtype);
      expect(tensors[name]!.shape).toEqual(t.shape);
      expect(Array.from(tensors[name]!.dataSync())).toEqual(Array.from(t.dataSync()));
    }
  });

  it('reads a file written the PyTorch/Hugging Face way (F16, BF16, I64, U8, BOOL, F64, empty)', () => {
    const { tensors, metadata } = parseSafetensorsFile(fixture);
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, want] of Object.entries(expected)) {
      const t = tensors[name]!;
      expect(t.shape, name).toEqual(want.shape);
      const values = want.values.map((v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v)));
      expect(Array.from(t.dataSync()), name).toEqual(values);
    }
    expect(tensors['half.weight']!.dtype).toBe('float32');
    expect(tensors['bf16.weight']!.dtype).toBe('float32');
    expect(tensors.labels!.dtype).toBe('int32');
    expect(tensors['fc.bias']!.dtype).toBe('float64');
    expect(tensors['bn.num_batches_tracked']!.shape).toEqual([]);
  });

  it('rejects an I64 value outside int32', () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setBigInt64(0, 2n ** 40n, true);
    const file = build({ big: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, data);
    expect(() => parseSafetensors(file)).toThrow(
      /'big': I64 value 1099511627776 at flat index 0 does not fit in int32/,
    );
  });

  const f32 = (n: number) => ({ dtype: 'F32', shape: [n], data_offsets: [0, 4 * n] });
  it.each([
    ['an empty file', new Uint8Array(0), /truncated file: 0 bytes/],
    ['a truncated file', fixture.subarray(0, fixture.length - 10), /data region|outside/],
    ['a header length past the end', build({}).map((b, i) => (i === 0 ? 200 : b)), /header length 200 is larger/],
    ['a 2^40 header length', Uint8Array.from([0, 0, 0, 0, 0, 1, 0, 0, 32, 32]), /larger than the 2 bytes/],
    ['invalid JSON', build(null, undefined, '{"a": '), /header is not valid JSON/],
    ['a non-object header', build([1, 2]), /header must be a JSON object, got an array/],
    [
      'an unknown dtype',
      build({ w: { dtype: 'Q4', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)),
      /'w': unknown or unsupported dtype "Q4"/,
    ],
    [
      'offsets outside the data',
      build({ w: f32(4) }, new Uint8Array(8)),
      /'w': data_offsets \[0, 16\] are outside the data region of 8 bytes/,
    ],
    [
      'offsets not matching the shape',
      build({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /F32 \[3\] needs 12 bytes, data_offsets give 8/,
    ],
    [
      'overlapping tensors',
      build({ a: f32(2), b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)),
      /'b': data_offsets \[4, 8\] overlap 'a'/,
    ],
    [
      'an absurd shape',
      build({ w: { dtype: 'F32', shape: [1e9, 1e9, 1e9], data_offsets: [0, 4] } }, new Uint8Array(4)),
      /needs 4e\+27 bytes/,
    ],
    [
      'a negative dimension',
      build({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)),
      /bad dimension -1/,
    ],
    ['a non-string metadata value', build({ __metadata__: { a: 1 } }), /__metadata__.a must be a string/],
    ['an entry that is not an object', build({ w: 5 }), /'w': entry must be an object/],
  ])('rejects %s with a FormatError', (_, bytes, message) => {
    expect(() => parseSafetensors(bytes)).toThrow(FormatError);
    expect(() => parseSafetensors(bytes)).toThrow(message);
  });

  it('never evaluates or pollutes anything: __proto__ is just a name', () => {
    const text = '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const tensors = parseSafetensors(build(null, new Uint8Array(4), text));
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });

  it('fuzz: random bytes only ever parse or throw FormatError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        try {
          parseSafetensors(bytes);
        } catch (error) {
          if (!(error instanceof FormatError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fuzz: mutations of a valid file only ever parse or throw FormatError', () => {
    const mutation = fc.array(fc.tuple(fc.nat(fixture.length - 1), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(mutation, fc.nat(fixture.length), (changes, cut) => {
        const bytes = fixture.slice(0, cut === 0 ? fixture.length : cut);
        for (const [at, value] of changes) if (at < bytes.length) bytes[at] = value;
        try {
          parseSafetensors(bytes);
        } catch (error) {
          if (!(error instanceof FormatError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fuzz: header mutations targeted at the JSON only ever parse or throw FormatError', () => {
    const entry = fc.record({
      dtype: fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'I32', 'F64', 'U8', 'BOOL', 'X', 5 as unknown as string),
      shape: fc.array(fc.oneof(fc.nat(6), fc.integer(), fc.double()), { maxLength: 4 }),
      data_offsets: fc.array(fc.oneof(fc.nat(40), fc.integer(), fc.double()), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 6 }), entry, { maxKeys: 4 }),
        fc.nat(40),
        (header, dataLength) => {
          try {
            parseSafetensors(build(header, new Uint8Array(dataLength)));
          } catch (error) {
            if (!(error instanceof FormatError)) throw error;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('safetensors from Node Buffers', () => {
  // Buffer#slice is a view, not a copy, and a Buffer's .buffer may be the whole file or Node's shared pool.
  const expectFixtureValues = (tensors: Record<string, Tensor>) => {
    for (const [name, want] of Object.entries(expected)) {
      const values = want.values.map((v) => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v)));
      expect(tensors[name]!.shape, name).toEqual(want.shape);
      expect(Array.from(tensors[name]!.dataSync()), name).toEqual(values);
    }
  };

  it('loadSafetensors(readFileSync(path)) reads the PyTorch-written file', async () => {
    const buffer = readFileSync(new URL('./fixtures/torch.safetensors', import.meta.url));
    expect(Buffer.isBuffer(buffer)).toBe(true);
    expectFixtureValues(await loadSafetensors(buffer));
    expectFixtureValues(parseSafetensors(buffer));
  });

  it("reads a small Buffer living in Node's shared pool (non-zero byteOffset)", () => {
    const sd = {
      w: tensor([[1.5, -2, 3.25]]),
      ids: tensor([7, -1], undefined, 'int32'),
      precise: tensor([Math.PI], undefined, 'float64'),
    };
    Buffer.from('x'); // takes the start of the pool, so the next small Buffer is at an offset inside it
    const pooled = Buffer.from(serializeSafetensors(sd));
    expect(pooled.byteOffset).toBeGreaterThan(0);
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    const tensors = parseSafetensors(pooled);
    for (const [name, t] of Object.entries(sd)) {
      expect(tensors[name]!.dtype, name).toBe(t.dtype);
      expect(tensors[name]!.shape, name).toEqual(t.shape);
      expect(Array.from(tensors[name]!.dataSync()), name).toEqual(Array.from(t.dataSync()));
    }
  });

  it('the tensors own copies: changing the Buffer afterwards changes nothing', () => {
    const buffer = Buffer.from(serializeSafetensors({ w: tensor([1, 2, 3, 4]) }));
    const { w } = parseSafetensors(buffer);
    buffer.fill(0);
    expect(Array.from(w!.dataSync())).toEqual([1, 2, 3, 4]);
  });
});
